# Strings of the council's petition desk, in English. Keys match uk/council.ftl.
council-title = The council's petitions
council-lead = A petition that reached its threshold needs the notice of the start of consideration; the council then answers within 10 working days of the notice. The delay between the threshold and the notice is published too.
council-awaiting = { $count ->
    [one] { $count } petition awaits the notice of consideration
   *[other] { $count } petitions await the notice of consideration
}
council-awaiting-empty = No petition awaits the notice.
council-considering = { $count ->
    [one] { $count } petition is under consideration
   *[other] { $count } petitions are under consideration
}
council-considering-empty = No petition is under consideration.
council-waiting = { $days ->
    [one] Reached the threshold on { $date }, { $days } day ago.
   *[other] Reached the threshold on { $date }, { $days } days ago.
}
council-case-title = Petition No. { $id } at the council
council-notice-heading = Publish the notice of consideration
council-notice-submit = Publish the notice
council-answer-heading = Publish the council's answer
council-answer-decision = The council's decision
council-answer-text = The answer with its reasons
council-answer-text-hint = Published on the petition's page and emailed to the author and the signers who asked. At least 20 characters.
council-answer-submit = Publish the answer
council-nothing-to-do = The council has nothing to do on this petition now.
council-back = Back to the council's petitions
council-notice-done = The notice is published
council-notice-next = The answer is due by { $date }. The author and the signers who asked were told.
council-answered-done = The answer is published
council-answered-next = It is on the petition's page; the author and the signers who asked were told.
answer-error-decision = Choose the council's decision
answer-error-text = Give the reasons for the decision in at least 20 characters
