# The deadline calculator page (/calculator). Keys match uk/calculator.ftl one to one.
calculator-title = Deadline calculator
calculator-lead = When must a body answer your appeal, or publish or consider a petition? Enter the date it was received or submitted and choose the term: the calculator counts it as the service itself does, by the Civil Code and the Law "On Citizens' Appeals", day by day under the law in force on that day.
calculator-home-link = Work out a legal deadline with the calculator
calculator-date-legend = When was it received or submitted?
calculator-date-hint = For example, 18 12 2021. Dates from { $from } to { $until }.
calculator-date-day = Day
calculator-date-month = Month
calculator-date-year = Year
calculator-rule-legend = Which term?
calculator-rule-appeal_no_study = An appeal that needs no extra study: 15 days
calculator-rule-appeal_standard = An ordinary appeal: one month
calculator-rule-appeal_extension = An appeal whose term the head extended: up to 45 days
calculator-rule-forwarding = Forwarding to the competent body: 5 days
calculator-rule-return_non_conforming = Returning an appeal that lacks the required content: 10 days
calculator-rule-petition_publication = Publishing an electronic petition: 2 working days
calculator-rule-petition_consideration = Considering a petition: 10 working days
calculator-rule-urgency_hours = A council's emergency category: a number of hours
calculator-rule-urgency_days = A council's urgent category: a number of days
calculator-law-appeal_no_study = Law "On Citizens' Appeals", art. 20: without delay, at most 15 days from receipt.
calculator-law-appeal_standard = Law "On Citizens' Appeals", art. 20: within one month of receipt.
calculator-law-appeal_extension = Law "On Citizens' Appeals", art. 20: the head may extend the term, to at most 45 days in total.
calculator-law-forwarding = Law "On Citizens' Appeals", art. 7: an appeal outside the body's competence is forwarded within 5 days.
calculator-law-return_non_conforming = Law "On Citizens' Appeals", art. 5: an appeal without the required content is returned with explanations within 10 days.
calculator-law-petition_publication = Law "On Citizens' Appeals", art. 23-1: an electronic petition is published within 2 working days of submission.
calculator-law-petition_consideration = Law "On Citizens' Appeals", art. 23-1: a petition is considered within 10 working days of the announcement that consideration started.
calculator-law-urgency_hours = A council's urgency category, within the one-month ceiling of art. 20: clock hours from the moment of receipt (noon Kyiv time on the date given).
calculator-law-urgency_days = A council's urgency category, within the one-month ceiling of art. 20: calendar days, at most 30.
calculator-parameter-total_days = Total days from receipt (at most 45)
calculator-parameter-hours = Hours
calculator-parameter-days = Days (at most 30)
calculator-submit = Calculate the deadline
calculator-error-summary = There is a problem
calculator-error-date = Enter the date as three numbers: day, month and a four-digit year, for example 18 12 2021
calculator-error-date-range = The date must be from { $from } to { $until }
calculator-error-rule = Choose the term
calculator-error-parameter = Enter a whole number of at least 1
calculator-result-heading = The deadline
calculator-result-rule = { $rule }, counted from { $from }.
calculator-result-term = Term
calculator-result-capped = The law's ceiling shortened the term asked for.
calculator-result-start = The term starts
calculator-result-last-day = Its last day
calculator-result-moved = That day is not a working day, so the deadline moves to the next working day (Civil Code art. 254).
calculator-result-law = Law
calculator-term-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
calculator-term-working-days = { $count ->
    [one] { $count } working day
   *[other] { $count } working days
}
calculator-term-months = { $count ->
    [one] { $count } month
   *[other] { $count } months
}
calculator-term-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
calculator-regimes-heading = How the days were judged
calculator-regime = { $from } to { $until }
calculator-period-peacetime = peacetime: public holidays are days off, and one falling on a weekend moves the day off to the next working day (Labour Code arts. 67 and 73)
calculator-period-martial_law_before_law_2136 = martial law, before Law 2136-IX applied: public holidays were still days off
calculator-period-martial_law = martial law: public holidays are working days and no day off is moved (Law 2136-IX, art. 6)
calculator-version-art73_2015 = the holiday list of Labour Code art. 73 as in force in 2015
calculator-version-art73_2017 = the holiday list of Labour Code art. 73 after Law 2211-VIII of 16.11.2017
calculator-version-art73_2022 = the holiday list of Labour Code art. 73 with Statehood Day (2021 amendment)
calculator-version-art73_2023 = the holiday list of Labour Code art. 73 after the Law of 14.07.2023
calculator-steps-heading = The count step by step
calculator-steps-language = The steps are given in English, exactly as the service's API explains them.
calculator-help = What an appeal must contain and what the terms mean:
calculator-help-link = help
calculator-again = Calculate another deadline
calculator-api-link = The same calculator in the API
