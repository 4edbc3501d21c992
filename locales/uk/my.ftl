# Рядки «Моїх звернень» українською. Ключі збігаються з en/my.ftl.
nav-my = Мої звернення
my-title = Мої звернення
my-file-appeal = Подати звернення
my-start-petition = Створити петицію
my-appeals = Мої звернення
my-reports = Мої повідомлення про проблеми
my-no-appeals = Ви ще не подавали звернень.
my-no-reports = Ви ще не повідомляли про проблеми.
my-petitions = Мої петиції
my-no-petitions = Ви не створювали петицій.
my-signatures = Підписані мною петиції
my-no-signatures = Ви не підписували петицій з облікового запису.
my-signed-on = підписано { $date }
my-withdraw = Відкликати мій підпис
my-withdrawn = Ваш підпис відкликано.
my-col-subject = Тема
my-col-status = Стан
my-col-due = Відповідь до
my-number = № { $id }
my-overdue = Прострочено
my-days-left = { $count ->
    [0] строк спливає сьогодні
    [one] залишився { $count } день
    [few] залишилося { $count } дні
   *[other] залишилося { $count } днів
}
my-days-late = { $count ->
    [one] запізнення { $count } день
    [few] запізнення { $count } дні
   *[other] запізнення { $count } днів
}
my-filed-title = Звернення надіслано
my-filed-number = Реєстраційний номер
my-filed-next = Що буде далі
my-filed-next-text = Його розглядатиме { $executor }. За законом відповідь має бути не пізніше { $date }. Якщо це не їхня компетенція, звернення перешлють протягом 5 днів і повідомлять вас.
my-filed-mail = Ми надіслали вам лист із номером; про кожну зміну ви теж отримаєте лист із посиланням на цю сторінку.
my-executor = Розглядає
my-received = Отримано
my-extended-from = Строк продовжив керівник; початковий строк — { $date }.
my-deadline-law = Закон «Про звернення громадян» (ст. 20): місяць від отримання, 15 днів — якщо не потрібне додаткове вивчення; керівник може продовжити строк, але загалом не більше ніж до 45 днів.
my-text = Що ви написали
my-answer = Відповідь
my-competent-body = Хто відповідальний натомість: { $body }
my-refusal = Чому звернення не розглядається
my-refusal-basis = Підстава: { $basis }. Рішення можна оскаржити у вищому органі або в суді (ст. 15).
my-respond = Проблему вирішено?
my-confirm-text = Якщо відповідь її вирішила, підтвердьте: звернення закриється як виконане.
my-confirm = Так, підтверджую
my-rework-reason = Якщо ні, що досі не так?
my-rework-hint = Ваші слова надішлемо організації, і звернення відкриється знову з новим строком.
my-rework = Повернути на доопрацювання
my-rate = Оцініть відповідь
my-score = { $score ->
    [one] { $score } зірка
    [few] { $score } зірки
   *[other] { $score } зірок
}
my-rate-comment = Коментар (необов'язково)
my-rate-submit = Надіслати оцінку
my-your-rating = Ви оцінили відповідь на { $score } з 5.
my-confirmed = Дякуємо: ви підтвердили виконання.
my-returned = Звернення повернуто на доопрацювання; організацію повідомлено.
my-rated = Дякуємо за оцінку.
my-history = Історія
my-back = Усі мої звернення
rework-error-reason = Напишіть, що досі не так
rate-error-score = Оберіть оцінку від 1 до 5
my-event-received = Отримано
my-event-acknowledged = Взято в роботу
my-event-assigned = Передано виконавцю
my-event-forwarded = Переслано до відповідальної організації
my-event-extended = Строк продовжено
my-event-answered = Надано відповідь
my-event-refused = Не розглядається
my-event-confirmed = Ви підтвердили виконання
my-event-returned_for_rework = Ви повернули на доопрацювання
my-event-rated = Ви оцінили відповідь
my-event-marked_duplicate = Приєднано до раніше поданого
my-event-overdue = Строк минув
my-event-reminded = Організації нагадали про строк
my-event-deadline_recalculated = Строк переобчислено після зміни календаря
petition-you-signed = Ви підписали цю петицію. Доки триває збір підписів, підпис можна відкликати; його позначать відкликаним, а не видалять.
petition-to-appeal-link = Петиція не набрала підписів: розглянути її як звичайне звернення
petition-appeal-title = Розглянути петицію як звернення
petition-appeal-lead = Ваша петиція «{ $title }» завершилася, не зібравши підписів, яких вимагає статут. На ваше бажання рада розгляне її як звичайну заяву за Законом «Про звернення громадян», зі своїм строком (ст. 20). Закон вимагає ваше місце проживання (ст. 5).
petition-appeal-submit = Надіслати як звернення
petition-appeal-back = Повернутися до петиції
petition-appeal-error-author_address = Вкажіть місце проживання: населений пункт, вулицю і будинок
petitions-category = Категорія
petitions-category-all = Усі категорії
petitions-from = Подані не раніше
petitions-to = Подані не пізніше
