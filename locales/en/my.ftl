# Strings of "my submissions", in English. Keys match uk/my.ftl.
nav-my = My submissions
my-title = My submissions
my-file-appeal = File an appeal
my-start-petition = Start a petition
my-appeals = My appeals
my-reports = My problem reports
my-no-appeals = You have not filed an appeal yet.
my-no-reports = You have not reported a problem yet.
my-petitions = Petitions I started
my-no-petitions = You have not started a petition.
my-signatures = Petitions I signed
my-no-signatures = You have not signed a petition with your account.
my-signed-on = signed on { $date }
my-withdraw = Withdraw my signature
my-withdrawn = Your signature was withdrawn.
my-col-subject = Subject
my-col-status = Status
my-col-due = Answer due by
my-number = No. { $id }
my-overdue = Overdue
my-days-left = { $count ->
    [0] due today
    [one] { $count } day left
   *[other] { $count } days left
}
my-days-late = { $count ->
    [one] { $count } day late
   *[other] { $count } days late
}
my-filed-title = Appeal sent
my-filed-number = Your reference number
my-filed-next = What happens next
my-filed-next-text = { $executor } will consider it. By law, the answer is due by { $date }. If it is not theirs to handle, they forward it within 5 days and tell you.
my-filed-mail = We have sent you an e-mail with the number; every change will come by e-mail too, with a link to this page.
my-executor = Handled by
my-received = Received
my-extended-from = Extended by the head; the first due date was { $date }.
my-deadline-law = The Law "On Citizens' Appeals" (art. 20): one month from receipt, 15 days for what needs no extra study; the head may extend it, but never beyond 45 days in total.
my-text = What you wrote
my-answer = The answer
my-competent-body = Who is responsible instead: { $body }
my-refusal = Why it is not considered
my-refusal-basis = Legal basis: { $basis }. You may challenge it with the higher body or in court (art. 15).
my-respond = Is the problem solved?
my-confirm-text = If the answer solved it, confirm it: the appeal closes as fixed.
my-confirm = Yes, confirm the fix
my-rework-reason = If not, what is still wrong?
my-rework-hint = Your words are sent to the organisation, and the appeal reopens with a new deadline.
my-rework = Return for rework
my-rate = Rate the answer
my-score = { $score ->
    [one] { $score } star
   *[other] { $score } stars
}
my-rate-comment = A comment (optional)
my-rate-submit = Send the rating
my-your-rating = You rated the answer { $score } out of 5.
my-confirmed = Thank you: you confirmed the fix.
my-returned = The appeal was returned for rework; the organisation is told.
my-rated = Thank you for your rating.
my-history = History
my-back = All my submissions
rework-error-reason = Say what is still wrong
rate-error-score = Choose a rating from 1 to 5
my-event-received = Received
my-event-acknowledged = Taken up
my-event-assigned = Given to an officer
my-event-forwarded = Forwarded to the responsible organisation
my-event-extended = Deadline extended
my-event-answered = Answered
my-event-refused = Not considered
my-event-confirmed = You confirmed the fix
my-event-returned_for_rework = You returned it for rework
my-event-rated = You rated the answer
my-event-marked_duplicate = Linked to an earlier report
my-event-overdue = The deadline passed
my-event-reminded = The organisation was reminded of the deadline
my-event-deadline_recalculated = Deadline recounted after a change of the calendar
petition-you-signed = You signed this petition. While signatures are collected you may withdraw your signature; it is recorded as withdrawn, not deleted.
petition-to-appeal-link = The petition closed short: have it considered as an ordinary appeal
petition-appeal-title = Have the petition considered as an appeal
petition-appeal-lead = Your petition "{ $title }" closed without the signatures its statute requires. At your wish the council considers it as an ordinary application under the Law "On Citizens' Appeals", with its own deadline (art. 20). The law asks for your place of residence (art. 5).
petition-appeal-submit = Send it as an appeal
petition-appeal-back = Back to the petition
petition-appeal-error-author_address = Enter where you live: town or village, street and house
petitions-category = Category
petitions-category-all = All categories
petitions-from = Submitted on or after
petitions-to = Submitted on or before
