# Повідомити про проблему (src/web/reports.rs, templates/web/reports/).
report-start-title = Повідомити про проблему
report-start-lead = Розкажіть місту про проблему в громадському місці: яма на дорозі, зламаний ліфт, немає тепла, темна вулиця, сміття. Повідомлення надійде до відповідального управління чи комунального підприємства, яке має відповісти в строк, визначений законом.
report-start-step-category = що це за проблема
report-start-step-place = де вона: на мапі, за адресою або районом
report-start-step-description = що ви бачите
report-start-privacy = Ваше повідомлення публічне, але ваше ім'я та контакти — ні: їх бачить лише виконавець. Анонімні звернення за законом не розглядаються, тому потрібен обліковий запис.
report-start-button = Почати
report-start-login = Увійдіть, щоб повідомити про проблему. Після входу ви повернетеся сюди.
report-start-register = Створити обліковий запис
report-back = Назад
report-continue = Продовжити
report-or = або
report-change = Змінити
report-category-title = Що це за проблема?
report-draft-lost = Відповіді повідомлення, яке ви писали, більше не збережені (вони зберігаються { $hours } год після останнього кроку, або ви увійшли як інша особа). Почніть, будь ласка, знову.
report-error-category_id = Виберіть, що це за проблема
report-place-title = Де проблема?
report-place-map = Мапа районів: клацніть місце проблеми
report-place-map-hint = Клацніть місце на мапі. Якщо не можете скористатися мапою, вкажіть адресу чи район нижче.
report-place-chosen = Вибрана точка: { $lat }, { $lon }
report-place-other-heading = Або опишіть місце
report-place-address = Адреса або орієнтир
report-place-address-hint = Наприклад, вул. Шевченка, 12, біля школи
report-place-district = Район
report-place-district-none = Не вибрано
report-place-coordinates = Ввести координати
report-place-latitude = Широта
report-place-longitude = Довгота
report-error-place = Виберіть місце на мапі або вкажіть адресу чи район
report-error-latitude = Вкажіть і широту, і довготу числами, або жодної
report-description-title = У чому проблема?
report-subject = Кількома словами
report-subject-hint = Наприклад, Глибока яма на перехресті
report-description = Опис
report-description-hint = Що ви бачите, відколи, і все, що допоможе знайти місце.
report-error-subject = Скажіть кількома словами, у чому проблема
report-error-description = Опишіть проблему
report-duplicates-title = Чи це одне з цих повідомлень?
report-duplicates-hint = Ці відкриті повідомлення того ж виду — поруч із вашим місцем. Якщо ваша проблема серед них, стежте за нею: ви отримуватимете новини.
report-duplicates-none = Ні, у мене інша проблема
report-duplicates-empty = Поруч немає відкритих повідомлень цього виду. Продовжте, щоб перевірити повідомлення.
report-check-title = Перевірте повідомлення
report-check-category = Категорія
report-check-place = Місце
report-check-send-heading = Тепер надішліть повідомлення
report-check-send-text = Надсилаючи його, ви підтверджуєте, що відомості правдиві. Виконавець бачить ваше ім'я та контакти; публіка бачить повідомлення без них.
report-show-name = Показувати моє ім'я на публічній сторінці повідомлення
report-show-name-hint = Ваші контакти ніколи не показуються. Без цієї позначки публіка бачить повідомлення без вашого імені; виконавець бачить його завжди.
report-check-name = Ваше ім'я на публічній сторінці
report-check-name-shown = Показується (контакти — ніколи)
report-check-name-hidden = Не показується
report-check-send-text-named = Надсилаючи його, ви підтверджуєте, що відомості правдиві. Виконавець бачить ваше ім'я та контакти; публіка бачить повідомлення з вашим ім'ям, без контактів.
report-author = Повідомив(ла)
report-check-submit = Надіслати повідомлення
report-filed-title = Повідомлення надіслано
report-filed-reference = Ваш реєстраційний номер
report-filed-executor = Його розглядає
report-filed-due = Відповідь має бути не пізніше
report-filed-next = Стежити за статусом можна на публічній сторінці повідомлення; там же виконавець відповідає.
report-filed-public-link = Публічна сторінка повідомлення
report-number = Повідомлення № { $id }
report-executor = Виконавець
report-received = Отримано
report-due = Відповідь не пізніше
report-answer = Відповідь
report-history = Історія
report-status = Статус
report-status-received = Отримано
report-status-in_progress = У роботі
report-status-rework = Повернуто на доопрацювання
report-status-answered = Є відповідь
report-status-confirmed = Виправлено, підтверджено
report-status-refused = Відмовлено
report-status-duplicate = Дублікат
report-follow-heading = Стежити за повідомленням
report-follow-text = Отримувати лист, коли змінюється статус.
report-follow = Стежити
report-unfollow = Не стежити
report-follow-login = Увійдіть, щоб стежити за повідомленням
report-done = Готово
report-followed = Ви стежите за цим повідомленням: новини надходитимуть поштою.
report-unfollowed = Ви більше не стежите за цим повідомленням.
report-map = Де проблема
reports-title = Повідомлення про проблеми
reports-recent = Останні повідомлення
reports-none = Повідомлень ще немає.
report-start-step-photos = фото, якщо вони є
report-photos-title = Фото
report-photos-lead = Фото допоможуть виконавцю знайти та оцінити проблему. Вони необов'язкові: можна продовжити без них. Не більше { $max } фото.
report-photos-kept = { $count ->
    [one] Ваше фото
    [few] Ваші { $count } фото
   *[other] Ваші { $count } фото
}
report-photos-remove = Видалити
report-photos-label = Додати фото
report-photos-hint = JPEG, PNG або WebP, до { $mb } МБ кожне, загалом до { $max }. Можна вибрати кілька одразу.
report-photos-upload = Додати вибрані фото
report-photos-none = Без фото
report-photo-alt = Фото { $n } повідомлення
report-photos-error-size = Фото має бути не більше { $mb } МБ; виберіть менше
report-photos-error-body = { $count ->
    [one] Виберіть одне фото розміром не більше { $mb } МБ
    [few] Виберіть не більше { $count } фото, кожне не більше { $mb } МБ
    [many] Виберіть не більше { $count } фото, кожне не більше { $mb } МБ
   *[other] Виберіть не більше { $count } фото, кожне не більше { $mb } МБ
}
report-photos-error-type = Файл має бути фотографією: JPEG, PNG або WebP
report-photos-error-count = Повідомлення може мати не більше { $max } фото; видаліть одне, перш ніж додати інше
reports-filter-category = Категорія
reports-filter-status = Стан
reports-filter-district = Район
reports-filter-any = Будь-який
reports-filter-received = Отримано
reports-filter-received-hint = Рік (2026), квартал (2026-Q3), місяць (2026-07) або день (2026-07-15), або проміжок дат (обидві включно). Без нього — за весь час.
reports-error-period = Введіть рік, як 2026, квартал, як 2026-Q3, місяць, як 2026-07, або день, як 2026-07-15, у межах 2015–2100
reports-error-from = Введіть першу дату проміжку, як 2026-01-31, і останню теж
reports-error-to = Введіть останню дату проміжку, як 2026-12-31, не раніше першої і не пізніше ніж через п'ять років після неї
reports-filter-apply = Показати повідомлення
reports-found = { $count ->
    [one] { $count } повідомлення
    [few] { $count } повідомлення
   *[other] { $count } повідомлень
}
reports-pages = Сторінки повідомлень
reports-previous = Попередня сторінка
reports-next = Наступна сторінка
reports-page-of = Сторінка { $page } з { $pages }
reports-error-category_id = Виберіть категорію зі списку
reports-error-status = Виберіть стан зі списку
reports-error-district_id = Виберіть район зі списку
reports-none-matching = Немає повідомлень, що відповідають вибраному.
