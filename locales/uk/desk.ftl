# Робоче місце працівників: черга, картка звернення, реєстрація, огляд керівника.
desk-nav-label = Робоче місце
desk-nav-queue = Черга звернень
desk-nav-register = Зареєструвати звернення
desk-nav-team = Команда
desk-nav-moderation = Модерація
desk-nav-council = Петиції до ради
desk-nav-admin = Адміністрування
desk-notice-title = Готово
desk-queue-title = Черга звернень
desk-organisation = Організація
desk-switch = Показати
desk-forwarded = Звернення № { $id } переслано: його більше немає у вашій черзі, автору й новій організації повідомлено.
desk-since-title = Від вашого останнього візиту ({ $day } о { $time })
desk-since-nothing = Нічого нового.
desk-since-new = { $count ->
    [one] { $count } нове звернення
    [few] { $count } нові звернення
   *[many] { $count } нових звернень
}
desk-since-returned = { $count ->
    [one] { $count } звернення повернуто на доопрацювання
    [few] { $count } звернення повернуто на доопрацювання
   *[many] { $count } звернень повернуто на доопрацювання
}
desk-since-reminded = { $count ->
    [one] { $count } нагадування про строк
    [few] { $count } нагадування про строк
   *[many] { $count } нагадувань про строк
}
desk-since-overdue = { $count ->
    [one] { $count } звернення прострочено
    [few] { $count } звернення прострочено
   *[many] { $count } звернень прострочено
}
desk-groups-title = За терміновістю
desk-group-overdue = Прострочені
desk-group-due_today = Строк сьогодні
desk-group-due_soon = Строк у вікні нагадування
desk-group-later = Пізніше
desk-filters = Фільтри й пошук
desk-search = Номер або слова
desk-search-hint = Номер звернення (наприклад, 125) або слова з теми чи тексту
desk-field-status = Стан
desk-field-kind = Вид
desk-field-category = Категорія
desk-field-district = Район
desk-field-channel = Як надійшло
desk-field-assignee = Виконавець
desk-field-mine = Лише мої
desk-field-privileged = Пільговики першими (ст. 20)
desk-any = Будь-який
desk-any-open = Усі, що чекають на відповідь
desk-apply = Застосувати
desk-clear = Скинути фільтри
desk-total = { $count ->
    [one] { $count } звернення
    [few] { $count } звернення
   *[many] { $count } звернень
}
desk-empty = Тут порожньо: жодне звернення не підходить.
desk-pages = Сторінки
desk-previous = Попередня сторінка
desk-next-page = Наступна сторінка
desk-page-of = Сторінка { $page } з { $pages }
desk-privileged = Пільговик
desk-returned = Повернуто на доопрацювання
desk-due = Строк — { $day }
desk-extended = продовжено
desk-assignee = Виконавець
desk-nobody = ще ніхто
desk-left-days = { $count ->
    [one] лишився { $count } день
    [few] лишилося { $count } дні
   *[many] лишилося { $count } днів
}
desk-left-hours = { $count ->
    [one] лишилася { $count } година
    [few] лишилося { $count } години
   *[many] лишилося { $count } годин
}
desk-left-overdue-today = строк минув сьогодні
desk-left-overdue-days = { $count ->
    [one] прострочено на { $count } день
    [few] прострочено на { $count } дні
   *[many] прострочено на { $count } днів
}
desk-status-received = Надійшло
desk-status-in_progress = У роботі
desk-status-rework = Доопрацювання
desk-status-answered = Є відповідь
desk-status-confirmed = Підтверджено
desk-status-refused = Відмовлено
desk-status-duplicate = Дублікат
desk-kind-proposal = Пропозиція
desk-kind-application = Заява
desk-kind-complaint = Скарга
desk-kind-issue_report = Повідомлення про проблему
desk-channel-web = через сайт
desk-channel-paper = паперове
desk-channel-phone = телефоном
desk-channel-email = електронною поштою
desk-channel-open311 = застосунок Open311
desk-case-title = Звернення № { $id }
desk-deadlines = Строки
desk-received-on = Надійшло
desk-original-due = Перший строк
desk-extended-due = Продовжено до
desk-due-now = Чинний строк
desk-forward-due = Переслати до (ст. 7, 5 днів)
desk-about = Справа
desk-executor = Розглядає
desk-routing = Як спрямовано
desk-place = Місце
desk-coordinates = Координати
desk-photos = Фото
desk-photo-count = { $count ->
    [one] { $count } фото
    [few] { $count } фото
   *[many] { $count } фото
}
desk-forwarded-count = Скільки разів переслано
desk-rework-count = Скільки разів повернуто
desk-author = Автор
desk-author-private = Персональні дані: лише для працівників організації, ніколи не публікуються (ст. 10).
desk-author-name = Прізвище, ім'я, по батькові
desk-author-address = Адреса
desk-author-email = Електронна пошта
desk-author-phone = Телефон
desk-cosigners = Співпідписанти
desk-text = Текст
desk-answer-given = Відповідь від { $day }
desk-refused = Відмовлено
desk-duplicate-of = Слідує за повідомленням
desk-actions = Що зробити
desk-who-told = Кому повідомимо:
desk-told-author = автору, листом.
desk-told-nobody = нікому листом; це буде в історії.
desk-told-author-and-organisation = автору й організації, якій пересилаєте, листом.
desk-acknowledge = Взяти в роботу
desk-acknowledge-button = Взяти в роботу
desk-assign = Призначити виконавця
desk-assign-officer-hint = Працівник може сам узяти непризначене звернення; перепризначає керівник.
desk-assign-to = Виконавець
desk-assign-button = Призначити
desk-answer = Письмова відповідь
desk-answer-text = Відповідь
desk-answer-text-hint = Що зроблено або чому ні. «Закрито» ніколи не означає «виправлено».
desk-competent-body = Хто компетентний
desk-competent-body-hint = Лише для «не наша компетенція»: назвіть орган, до якого звертатися.
desk-answer-button = Надіслати відповідь
desk-resolution-resolved = Вирішено
desk-resolution-not_resolved = Не вирішено, з причиною
desk-resolution-not_competent = Не наша компетенція
desk-forward = Переслати іншій організації
desk-forward-hint = Звернення не за компетенцією пересилають протягом 5 днів: до { $day }.
desk-forward-to = Організація
desk-forward-reason-hint = Чому це їхнє; автор це прочитає.
desk-forward-button = Переслати
desk-reason = Причина
desk-extend = Продовжити строк
desk-extend-cap = Загальний строк не може перевищувати 45 днів від надходження (ст. 20): щонайпізніше до { $day }.
desk-extend-days = Усього днів від надходження
desk-extend-days-hint = Від 16 до 45
desk-extend-button = Продовжити
desk-extend-late = Строк уже минув. Його ще можна продовжити, але звернення лишиться простроченим: вчасною відповіддю воно не зарахується.
desk-extend-closed = Строк уже не можна продовжити: 45 днів від надходження (ст. 20) минули.
desk-extend-head-only = Строк продовжує лише керівник організації.
desk-refuse = Відмовити в розгляді
desk-refuse-reason = Підстави (автору пояснять, як оскаржити відмову)
desk-refuse-button = Відмовити
desk-refusal-anonymous = Анонімне звернення
desk-refusal-repeated = Повторне звернення з уже вирішеного питання
desk-refusal-complaint_out_of_time = Скаргу подано після спливу строку
desk-refusal-non_conforming = Бракує обов'язкових відомостей
desk-duplicate = Позначити як дублікат
desk-nearby = Відкриті повідомлення тієї ж категорії поблизу:
desk-metres = { $count } м
desk-duplicate-number = Номер повідомлення, яке воно дублює
desk-duplicate-button = Позначити
desk-history = Історія
desk-history-when = Коли
desk-history-what = Що сталося
desk-event-received = надійшло
desk-event-acknowledged = взято в роботу
desk-event-assigned = призначено виконавця
desk-event-forwarded = переслано
desk-event-extended = строк продовжено
desk-event-extended_after_deadline = строк продовжено вже після його закінчення (звернення лишається простроченим)
desk-event-answered = надано відповідь
desk-event-refused = відмовлено
desk-event-confirmed = автор підтвердив відповідь
desk-event-returned_for_rework = автор повернув на доопрацювання
desk-event-rated = автор оцінив відповідь
desk-event-marked_duplicate = позначено як дублікат
desk-event-overdue = строк минув
desk-event-reminded = надіслано нагадування про строк
desk-event-deadline_recalculated = строк перераховано за зміненим законом
desk-done-acknowledge = Взято в роботу; автору повідомлено.
desk-done-assign = Виконавця призначено.
desk-done-extend = Строк продовжено; автору повідомлено.
desk-done-answer = Відповідь надіслано автору.
desk-done-refuse = Відмовлено; автору пояснено причини й порядок оскарження.
desk-done-duplicate-of = Позначено як дублікат; автору повідомлено.
desk-done-registered = Зареєстровано. Строк рахується від дати надходження.
desk-done-forward = Переслано.
desk-next-received = Далі: візьміть у роботу чи призначте виконавця, або перешліть протягом 5 днів, якщо це не ваше.
desk-next-in_progress = Далі: дайте письмову відповідь до спливу строку.
desk-next-rework = Автор повернув відповідь: відповідайте знову до нового строку.
desk-next-answered = Далі: автор підтверджує відповідь або повертає на доопрацювання.
desk-next-confirmed = Готово: автор підтвердив відповідь.
desk-next-refused = Готово: відмовлено з підставами.
desk-next-duplicate = Готово: воно слідує за повідомленням, яке дублює.
desk-register-title = Зареєструвати звернення, що надійшло не через сайт
desk-register-step = Крок { $step } з { $steps }
desk-register-channel = Як надійшло
desk-register-received = Дата надходження
desk-register-received-hint = Справжня дата надходження, наприклад 27 3 2026; строк рахується від неї.
desk-date-day = День
desk-date-month = Місяць
desk-date-year = Рік
desk-register-category-hint = Категорія визначає виконавця; без неї звернення лишається у вашій організації.
desk-register-no-category = Без категорії
desk-register-subject = Тема
desk-register-privileged = Автор має пільги (ст. 20)
desk-register-continue = Продовжити
desk-register-check-title = Перевірте перед реєстрацією
desk-register-deadline = Строк: { $day }
desk-register-executor = Розглядає { $name }
desk-register-deadline-why = Рахується від дати надходження, { $day }.
desk-register-change = Змінити
desk-register-submit = Зареєструвати
desk-team-title = Команда
desk-team-caption = Відкриті звернення за виконавцями
desk-team-officer = Виконавець
desk-team-open = Відкриті
desk-team-overdue = Прострочені
desk-team-week = Строк цього тижня
desk-team-extended = Продовжені
desk-team-unassigned = Не призначено
desk-team-total = Усього
desk-map-title = Місце на мапі
