# Калькулятор строків (/calculator). Ключі збігаються з en/calculator.ftl.
calculator-title = Калькулятор строків
calculator-lead = Коли орган має відповісти на ваше звернення, оприлюднити чи розглянути петицію? Вкажіть дату, коли її отримали чи подали, і виберіть строк: калькулятор рахує так само, як сам сервіс, за Цивільним кодексом і Законом «Про звернення громадян», кожен день — за законом, що діяв того дня.
calculator-home-link = Порахувати законний строк у калькуляторі
calculator-date-legend = Коли звернення отримали чи подали?
calculator-date-hint = Наприклад, 18 12 2021. Дати від { $from } до { $until }.
calculator-date-day = День
calculator-date-month = Місяць
calculator-date-year = Рік
calculator-rule-legend = Який строк?
calculator-rule-appeal_no_study = Звернення, яке не потребує додаткового вивчення: 15 днів
calculator-rule-appeal_standard = Звичайне звернення: один місяць
calculator-rule-appeal_extension = Звернення, строк якого продовжив керівник: до 45 днів
calculator-rule-forwarding = Пересилання за належністю: 5 днів
calculator-rule-return_non_conforming = Повернення звернення без потрібних відомостей: 10 днів
calculator-rule-petition_publication = Оприлюднення електронної петиції: 2 робочі дні
calculator-rule-petition_consideration = Розгляд петиції: 10 робочих днів
calculator-rule-urgency_hours = Аварійна категорія ради: кількість годин
calculator-rule-urgency_days = Термінова категорія ради: кількість днів
calculator-law-appeal_no_study = Закон «Про звернення громадян», ст. 20: невідкладно, але не пізніше 15 днів від дня отримання.
calculator-law-appeal_standard = Закон «Про звернення громадян», ст. 20: протягом одного місяця від дня отримання.
calculator-law-appeal_extension = Закон «Про звернення громадян», ст. 20: керівник може продовжити строк, але загалом не більше 45 днів.
calculator-law-forwarding = Закон «Про звернення громадян», ст. 7: звернення не за компетенцією пересилається за належністю протягом 5 днів.
calculator-law-return_non_conforming = Закон «Про звернення громадян», ст. 5: звернення без потрібних відомостей повертається з роз'ясненнями протягом 10 днів.
calculator-law-petition_publication = Закон «Про звернення громадян», ст. 23-1: електронна петиція оприлюднюється протягом 2 робочих днів від дня подання.
calculator-law-petition_consideration = Закон «Про звернення громадян», ст. 23-1: петиція розглядається протягом 10 робочих днів від дня оголошення про початок розгляду.
calculator-law-urgency_hours = Категорія терміновості ради в межах місячного строку ст. 20: години від моменту отримання (полудень за київським часом зазначеного дня).
calculator-law-urgency_days = Категорія терміновості ради в межах місячного строку ст. 20: календарні дні, не більше 30.
calculator-parameter-total_days = Усього днів від дня отримання (не більше 45)
calculator-parameter-hours = Години
calculator-parameter-days = Дні (не більше 30)
calculator-submit = Порахувати строк
calculator-error-summary = Є проблема
calculator-error-date = Вкажіть дату трьома числами: день, місяць і рік із чотирьох цифр, наприклад 18 12 2021
calculator-error-date-range = Дата має бути від { $from } до { $until }
calculator-error-rule = Виберіть строк
calculator-error-parameter = Вкажіть ціле число, не менше 1
calculator-result-heading = Кінцевий строк
calculator-result-rule = { $rule }, від { $from }.
calculator-result-term = Строк
calculator-result-capped = Граничний строк закону скоротив запитаний строк.
calculator-result-start = Строк починається
calculator-result-last-day = Його останній день
calculator-result-moved = Цей день неробочий, тож строк закінчується наступного робочого дня (ст. 254 Цивільного кодексу).
calculator-result-law = Закон
calculator-term-days = { $count ->
    [one] { $count } день
    [few] { $count } дні
   *[many] { $count } днів
}
calculator-term-working-days = { $count ->
    [one] { $count } робочий день
    [few] { $count } робочі дні
   *[many] { $count } робочих днів
}
calculator-term-months = { $count ->
    [one] { $count } місяць
    [few] { $count } місяці
   *[many] { $count } місяців
}
calculator-term-hours = { $count ->
    [one] { $count } година
    [few] { $count } години
   *[many] { $count } годин
}
calculator-regimes-heading = За яким законом рахували дні
calculator-regime = З { $from } до { $until }
calculator-period-peacetime = мирний час: святкові дні — вихідні, а свято у вихідний переносить вихідний на наступний робочий день (ст. 67 і 73 КЗпП)
calculator-period-martial_law_before_law_2136 = воєнний стан до застосування Закону 2136-IX: святкові дні ще були вихідними
calculator-period-martial_law = воєнний стан: святкові дні — робочі, вихідні не переносяться (Закон 2136-IX, ст. 6)
calculator-version-art73_2015 = перелік свят ст. 73 КЗпП у редакції 2015 року
calculator-version-art73_2017 = перелік свят ст. 73 КЗпП після Закону 2211-VIII від 16.11.2017
calculator-version-art73_2022 = перелік свят ст. 73 КЗпП із Днем Української Державності (зміна 2021 року)
calculator-version-art73_2023 = перелік свят ст. 73 КЗпП після Закону від 14.07.2023
calculator-steps-heading = Розрахунок крок за кроком
calculator-steps-language = Кроки наведено англійською — так, як їх пояснює API сервісу.
calculator-help = Що має містити звернення і що означають строки:
calculator-help-link = довідка
calculator-again = Порахувати інший строк
calculator-api-link = Той самий калькулятор в API
