# Рядки сторінок петицій ради українською. Ключі — як у en/council.ftl.
council-title = Петиції до ради
council-lead = Петиція, що набрала потрібну кількість підписів, потребує оголошення про початок розгляду; рада відповідає не пізніше 10 робочих днів від оголошення. Затримку між набранням підписів і оголошенням теж оприлюднюють.
council-awaiting = { $count ->
    [one] { $count } петиція очікує оголошення про розгляд
    [few] { $count } петиції очікують оголошення про розгляд
   *[many] { $count } петицій очікують оголошення про розгляд
}
council-awaiting-empty = Жодна петиція не очікує оголошення.
council-considering = { $count ->
    [one] { $count } петиція на розгляді
    [few] { $count } петиції на розгляді
   *[many] { $count } петицій на розгляді
}
council-considering-empty = Жодна петиція не розглядається.
council-waiting = { $days ->
    [one] Набрала підписи { $date }, { $days } день тому.
    [few] Набрала підписи { $date }, { $days } дні тому.
   *[many] Набрала підписи { $date }, { $days } днів тому.
}
council-case-title = Петиція № { $id } у раді
council-notice-heading = Оприлюднити оголошення про розгляд
council-notice-submit = Оприлюднити оголошення
council-answer-heading = Оприлюднити відповідь ради
council-answer-decision = Рішення ради
council-answer-text = Відповідь з обґрунтуванням
council-answer-text-hint = Її оприлюднять на сторінці петиції й надішлють автору та підписантам, які цього просили. Щонайменше 20 символів.
council-answer-submit = Оприлюднити відповідь
council-nothing-to-do = Зараз рада не має дій щодо цієї петиції.
council-back = Назад до петицій ради
council-notice-done = Оголошення оприлюднено
council-notice-next = Відповідь — до { $date }. Автору та підписантам, які просили, надіслано лист.
council-answered-done = Відповідь оприлюднено
council-answered-next = Вона на сторінці петиції; автору та підписантам, які просили, надіслано лист.
answer-error-decision = Оберіть рішення ради
answer-error-text = Обґрунтуйте рішення, щонайменше 20 символів
