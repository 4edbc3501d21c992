# Рядки сторінок петицій українською. Ключі — як у en/petitions.ftl.
petitions-title = Петиції
petitions-start = Створити петицію
petitions-search = Пошук петицій
petitions-status = Стан
petitions-status-all = Усі оприлюднені
petitions-sort = Упорядкувати
petitions-sort-newest = Спершу нові
petitions-sort-most_signed = За кількістю підписів
petitions-sort-closing_soon = Незабаром завершується збір
petitions-apply = Показати петиції
petitions-found = { $count ->
    [one] Знайдено { $count } петицію
    [few] Знайдено { $count } петиції
   *[many] Знайдено { $count } петицій
}
petitions-until = збір до { $date }
petitions-pages = Сторінки
petitions-previous = Попередня сторінка
petitions-next = Наступна сторінка
petitions-page-of = Сторінка { $page } з { $pages }

petition-status-moderation = На модерації
petition-status-refused = Відмовлено в оприлюдненні
petition-status-collecting = Збір підписів
petition-status-awaiting_consideration = Очікує розгляду
petition-status-under_consideration = На розгляді
petition-status-answered = Є відповідь
petition-status-closed = Збір завершено

petition-number = Петиція № { $id }
petition-author = Автор: { $name }
petition-of-threshold = з { $threshold } потрібних
petition-progress = Зібрані підписи до потрібної кількості
petition-signed = Дякуємо: ваш підпис враховано.
petition-answer-heading = Відповідь ради
petition-decision-supported = Підтримано
petition-decision-partly_supported = Підтримано частково
petition-decision-not_supported = Не підтримано
petition-sign-heading = Підписати петицію
petition-sign-as-account = Ви підписуєте ім'ям свого облікового запису. Показуємо лише ім'я, ніколи адресу пошти.
petition-sign-by-email = Вкажіть повне ім'я та адресу пошти; підпис враховується, щойно ви підтвердите його з листа. Показуємо лише ім'я. Або
petition-sign-needs-account = Статут громади вимагає підписувати з обліковим записом.
petition-notify = Повідомте мене листом, коли рада розглядатиме петицію та відповість
petition-sign-submit = Підписати петицію
petition-not-collecting = Ця петиція не збирає підписів.
sign-error-full_name = Введіть повне ім'я: щонайменше прізвище та ім'я
sign-error-email = Введіть адресу електронної пошти у правильному форматі, наприклад name@example.org

petition-dates-heading = Дати й строки
petition-submitted = Подано
petition-publication-due = Оприлюднити до
petition-law-publication = Петицію оприлюднюють або відмовляють з причиною протягом 2 робочих днів від подання.
petition-published = Оприлюднено
petition-collection-ends = Збір завершується
petition-law-collection = Підписи збирають протягом строку, встановленого статутом громади.
petition-threshold-reached = Потрібну кількість зібрано
petition-notice = Розгляд розпочато
petition-consideration-due = Відповідь до
petition-law-consideration = Рада розглядає петицію, що зібрала потрібну кількість підписів, протягом 10 робочих днів з дня оголошення розгляду.
petition-answered = Відповідь надано
petition-closed = Закрито

petition-signers-heading = Підписанти
petition-signers-updated = Кількість підписів і список підписантів оновлюються щосекунди.
petition-no-signers = Ще ніхто не підписав.
petition-history-heading = Історія
petition-event-submitted = подано
petition-event-published = оприлюднено
petition-event-refused = відмовлено в оприлюдненні
petition-event-threshold_reached = зібрано потрібну кількість підписів
petition-event-consideration_started = розпочато розгляд
petition-event-answered = рада відповіла
petition-event-closed = закрито, підписів не вистачило

signature-check-email-text = Ми надіслали посилання на вказану адресу. Відкрийте його й натисніть кнопку, щоб підтвердити підпис; доти його не враховано.
signature-confirm-title = Підтвердьте підпис
signature-confirm-text = Натисніть кнопку, щоб підтвердити свій підпис під петицією.
signature-confirm-submit = Підтвердити підпис
signature-confirm-error-token = Це посилання невідоме, уже використане або застаріле.

new-petition-title = Створити петицію
new-petition-step = Крок { $step } з { $steps }
new-petition-lead = Петиція — це звернення до міської ради з вимогою щось зробити. Напишіть, чого ви просите і чому. Її оприлюднять під вашим ім'ям протягом 2 робочих днів, якщо модератор не відмовить з поясненням причини.
new-petition-field-title = Назва
new-petition-field-title-hint = Чого ви просите, одним рядком.
new-petition-field-text = Текст
new-petition-field-text-hint = Вимога та її обґрунтування, щонайменше 50 символів.
new-petition-continue = Продовжити
new-petition-error-title = Введіть назву від 5 символів у межах, встановлених радою
new-petition-error-text = Викладіть вимогу щонайменше в 50 символах у межах, встановлених радою
check-petition-title = Перевірте петицію
check-petition-change = Змінити
check-petition-send-heading = Тепер надішліть петицію
check-petition-send-text = Надсилаючи її, ви підтверджуєте, що є її автором. На ній показано ваше ім'я, але не адресу пошти.
check-petition-submit = Надіслати петицію
submitted-petition-title = Петицію надіслано
submitted-petition-next = Що далі
submitted-petition-term = Модератор оприлюднить вашу петицію або відмовить з поясненням протягом 2 робочих днів: до { $date }. Ми повідомимо вас листом у будь-якому разі.

petition-refused-heading = Не оприлюднено
refusal-code-banned_content = Заборонений зміст (заклики до повалення конституційного ладу, пропаганда війни, ненависть…)
refusal-code-not_council_competence = Не належить до повноважень ради
refusal-code-duplicate = Та сама вимога, що й у петиції, яка вже збирає підписи
refusal-code-no_essence = З тексту неможливо встановити вимогу
refusal-code-abusive = Образи, нецензурна лексика або персональні дані інших людей
