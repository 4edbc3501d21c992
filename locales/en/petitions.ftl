# Strings of the petition pages, in English. Keys match uk/petitions.ftl.
petitions-title = Petitions
petitions-start = Start a petition
petitions-search = Search petitions
petitions-status = Status
petitions-status-all = All published
petitions-sort = Sort by
petitions-sort-newest = Newest
petitions-sort-most_signed = Most signed
petitions-sort-closing_soon = Closing soon
petitions-apply = Show petitions
petitions-found = { $count ->
    [one] { $count } petition found
   *[other] { $count } petitions found
}
petitions-until = collecting until { $date }
petitions-pages = Pages
petitions-previous = Previous page
petitions-next = Next page
petitions-page-of = Page { $page } of { $pages }

petition-status-moderation = In moderation
petition-status-refused = Refused
petition-status-collecting = Collecting signatures
petition-status-awaiting_consideration = Awaiting consideration
petition-status-under_consideration = Under consideration
petition-status-answered = Answered
petition-status-closed = Closed

petition-number = Petition No. { $id }
petition-author = Author: { $name }
petition-of-threshold = of { $threshold } needed
petition-progress = Signatures collected towards the threshold
petition-signed = Thank you: your signature is counted.
petition-answer-heading = The council's answer
petition-decision-supported = Supported
petition-decision-partly_supported = Partly supported
petition-decision-not_supported = Not supported
petition-sign-heading = Sign this petition
petition-sign-as-account = You sign with your account's name. Only your name is shown, never your email address.
petition-sign-by-email = Give your full name and email address; your signature counts once you confirm it from the email we send. Only your name is shown. Or
petition-sign-needs-account = This council's statute requires signing with an account.
petition-notify = Email me when the council considers and answers this petition
petition-sign-submit = Sign this petition
petition-not-collecting = This petition is not collecting signatures.
sign-error-full_name = Enter your full name: at least surname and given name
sign-error-email = Enter an email address in the correct format, like name@example.org

petition-dates-heading = Dates and deadlines
petition-submitted = Submitted
petition-publication-due = Publication due by
petition-law-publication = The petition must be published, or refused with a reason, within 2 working days of submission.
petition-published = Published
petition-collection-ends = Collection ends
petition-law-collection = Signatures are collected for the period set by the community's statute.
petition-threshold-reached = Threshold reached
petition-notice = Consideration started
petition-consideration-due = Answer due by
petition-law-consideration = The council considers a petition that has enough signatures within 10 working days of announcing it.
petition-answered = Answered
petition-closed = Closed

petition-signers-heading = Signers
petition-signers-updated = The count and the list of signers are updated once a second.
petition-no-signers = Nobody has signed yet.
petition-history-heading = History
petition-event-submitted = submitted
petition-event-published = published
petition-event-refused = refused
petition-event-threshold_reached = reached the number of signatures needed
petition-event-consideration_started = consideration started
petition-event-answered = the council answered
petition-event-closed = closed without enough signatures

signature-check-email-text = We sent a link to the address you gave. Open it and select the button to confirm your signature; until then it is not counted.
signature-confirm-title = Confirm your signature
signature-confirm-text = Select the button to confirm your signature under the petition.
signature-confirm-submit = Confirm my signature
signature-confirm-error-token = This link is unknown, already used or expired.

new-petition-title = Start a petition
new-petition-step = Step { $step } of { $steps }
new-petition-lead = A petition asks the city council to do something. Say what you ask for and why. It is published under your name within 2 working days, unless a moderator refuses it with a reason.
new-petition-field-title = Title
new-petition-field-title-hint = What you ask for, in one line.
new-petition-field-text = Text
new-petition-field-text-hint = The demand and the reasons for it, at least 50 characters.
new-petition-continue = Continue
new-petition-error-title = Enter a title of 5 characters or more, within the council's limit
new-petition-error-text = State the demand in at least 50 characters, within the council's limit
check-petition-title = Check your petition
check-petition-change = Change
check-petition-send-heading = Now send your petition
check-petition-send-text = By sending it you confirm that you are its author. Your name is shown on it; your email address is not.
check-petition-submit = Send the petition
submitted-petition-title = Petition sent
submitted-petition-next = What happens next
submitted-petition-term = A moderator publishes your petition, or refuses it with a reason, within 2 working days: by { $date }. We will email you either way.

petition-refused-heading = Not published
refusal-code-banned_content = Banned content (calls to overthrow the constitutional order, war propaganda, hatred…)
refusal-code-not_council_competence = Not within the council's competence
refusal-code-duplicate = The same demand as a petition already collecting signatures
refusal-code-no_essence = No demand can be made out of the text
refusal-code-abusive = Insults, obscenity or other people's personal data
