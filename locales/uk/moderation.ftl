# Рядки сторінок модерації та спільні рядки сторінок робочого місця українською. Ключі — як у en/moderation.ftl.
petition-desk-due = Строк до { $date }
petition-desk-due-key = Строк до
petition-desk-author = Автор
petition-desk-signatures = Підписи
petition-desk-text-heading = Текст петиції
petition-desk-public-page = Публічна сторінка петиції
petition-desk-time-overdue = { $days ->
    [one] прострочено на { $days } день
    [few] прострочено на { $days } дні
   *[many] прострочено на { $days } днів
}
petition-desk-time-today = строк спливає сьогодні
petition-desk-time-left = { $days ->
    [one] залишився { $days } робочий день
    [few] залишилося { $days } робочі дні
   *[many] залишилося { $days } робочих днів
}

moderation-title = Модерація
moderation-lead = Подану петицію оприлюднюють або відмовляють в оприлюдненні з причиною протягом 2 робочих днів. Першою стоїть та, що чекає найдовше. Ніхто не модерує власну петицію.
moderation-waiting = { $count ->
    [one] { $count } петиція очікує модерації
    [few] { $count } петиції очікують модерації
   *[many] { $count } петицій очікують модерації
}
moderation-empty = Жодна петиція не очікує модерації.
moderation-case-title = Модерація петиції № { $id }
moderation-decide-heading = Оприлюднити або відмовити
moderation-publish = Оприлюднити петицію
moderation-refuse-heading = Відмовити в оприлюдненні
moderation-refuse-code = Підстава відмови
moderation-refuse-reason = Пояснення для автора
moderation-refuse-reason-hint = Автор отримає його електронною поштою. Напишіть, що саме в тексті є проблемою, щонайменше 10 символів.
moderation-refuse = Відмовити
moderation-refused-heading = Відмовлено
moderation-published-on = Оприлюднено { $date }.
moderation-back = Назад до модерації
moderation-published-done = Петицію оприлюднено
moderation-published-next = Збір підписів триває до { $date }. Автору надіслано лист.
moderation-refused-done = В оприлюдненні петиції відмовлено
moderation-refused-next = Автору надіслано лист із вашим поясненням.
refuse-error-code = Оберіть підставу відмови
refuse-error-reason = Поясніть авторові причину відмови, щонайменше 10 символів
