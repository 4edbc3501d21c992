# Strings of the desk's moderation pages and what the desk pages share, in English. Keys match uk/moderation.ftl.
petition-desk-due = Due by { $date }
petition-desk-due-key = Due by
petition-desk-author = Author
petition-desk-signatures = Signatures
petition-desk-text-heading = The petition's text
petition-desk-public-page = The petition's public page
petition-desk-time-overdue = { $days ->
    [one] overdue by { $days } day
   *[other] overdue by { $days } days
}
petition-desk-time-today = due today
petition-desk-time-left = { $days ->
    [one] { $days } working day left
   *[other] { $days } working days left
}

moderation-title = Moderation
moderation-lead = A submitted petition is published, or refused with a reason, within 2 working days. The one waiting longest is first. Nobody moderates their own petition.
moderation-waiting = { $count ->
    [one] { $count } petition awaits moderation
   *[other] { $count } petitions await moderation
}
moderation-empty = No petition awaits moderation.
moderation-case-title = Moderation of petition No. { $id }
moderation-decide-heading = Publish or refuse
moderation-publish = Publish the petition
moderation-refuse-heading = Refuse to publish
moderation-refuse-code = The ground of the refusal
moderation-refuse-reason = Explanation for the author
moderation-refuse-reason-hint = The author receives it by email. Say what in the text is the problem, in at least 10 characters.
moderation-refuse = Refuse the petition
moderation-refused-heading = Refused
moderation-published-on = Published on { $date }.
moderation-back = Back to moderation
moderation-published-done = The petition is published
moderation-published-next = It collects signatures until { $date }. The author was told by email.
moderation-refused-done = The petition is refused
moderation-refused-next = The author was told by email, with your explanation.
refuse-error-code = Choose the ground of the refusal
refuse-error-reason = Explain the refusal to the author in at least 10 characters
