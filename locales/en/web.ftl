# Strings of the web pages, in English. Keys match uk/web.ftl one to one.
error-title-prefix = Error:
skip-link = Skip to main content
service-label = Service
nav-label = Menu
nav-home = Home
nav-help = Help
nav-desk = Desk
language-label = Language
language-uk = Українська
language-en = English
footer-links = Links
footer-api = API for developers
footer-licence = Open source under the AGPL-3.0 licence. Every figure is open to checking.
signatures-count = { $count ->
    [one] { $count } signature
   *[other] { $count } signatures
}

home-title = Home
home-lead = Here you can write to the city council and its municipal enterprises, report a problem in the city, sign or start a petition, and follow the answer.
home-what-heading = What you can do
home-what-report = Report a problem: a pothole, a broken lift, no heating, a dark street, rubbish.
home-what-appeal = File an appeal: a proposal, an application or a complaint.
home-what-petition = Sign a petition or start your own.
home-what-follow = Follow your submissions, confirm a fix or send it back for rework.
home-deadlines = Deadlines are set by the Law "On Citizens' Appeals": no later than 15 days when no extra study is needed, otherwise one month, extended to 45 days in total at most.
home-data-heading = Open data
home-data-text = Every figure can be checked: statistics, data exports without personal data and the audit log are open to everyone.
home-open-data = Open data description

help-title = Help
help-appeal-heading = What an appeal must contain
help-appeal-text = Your full name, your address and what the matter is. An electronic appeal also needs an e-mail address. No digital signature is needed. Anonymous appeals are not considered, but your name can be hidden from the public.
help-deadlines-heading = Deadlines
help-deadline-15 = An appeal that needs no extra study: without delay, within 15 days at most.
help-deadline-30 = Other appeals: within one month.
help-deadline-45 = The head may extend the term and must tell you, but never beyond 45 days in total.
help-deadline-forward = If the matter is not for this body, the appeal is forwarded to the right one within 5 days and you are told.
help-deadline-petition = A petition is published within 2 working days; once it has enough signatures, it is considered within 10 working days.
help-petition-heading = Petitions
help-petition-text = The community's statute sets how many signatures are needed and for how long they are collected. One person, one signature; a petition's page shows only the signers' names.

privacy-title = Privacy
privacy-law = The content of an appeal and your personal data are not disclosed without your consent (Article 10 of the Law "On Citizens' Appeals").
privacy-what-heading = What we keep
privacy-what-account = For an account: your name, e-mail address and, if you wish, your address and phone.
privacy-what-appeal = For an appeal: its text, place, photos, its history and the answers.
privacy-what-signature = For a petition signature: your name and e-mail address; only the name is shown publicly.
privacy-public-heading = What others see
privacy-public-text = Public pages, data exports, statistics and the audit log never contain your contact details and never tie you to a private appeal.
privacy-cookies-heading = Cookies
privacy-cookies-text = We use only the cookies the service needs: your language, protection of forms against forgery, and signing in. No analytics, no advertising.

accessibility-title = Accessibility
accessibility-standard = We want everyone to be able to use this service. The pages are built to ДСТУ EN 301 549:2022 and WCAG 2.2 level AA.
accessibility-how-heading = How you can use the service
accessibility-how-keyboard = every action works with a keyboard alone;
accessibility-how-nojs = every page works without JavaScript;
accessibility-how-zoom = text can be zoomed to 200% without losing content, and pages work on screens 320 pixels wide;
accessibility-how-map = a place can be given by address or district: the map can be skipped.
accessibility-testing-heading = How we test
accessibility-testing-text = axe-core checks every page in a real browser, with JavaScript on and off, at phone and desktop sizes; we walk every journey with the keyboard alone.
accessibility-feedback-heading = If something does not work
accessibility-feedback-text = Tell your community's service administrator: we answer within 15 days, as we do an appeal.

page-error-title = There is no such page
page-error-summary = The page number must be a whole number from 1 to { $max }
page-error-text = The address asks for a page of this list that cannot exist.
page-error-first = Go to the first page of the list
error-home-link = Go to the home page
error-not-found-title = Page not found
error-not-found-text = Check the address. If you followed a link, the page may have moved.
error-forbidden-title = Access denied
error-forbidden-text = You may not do this, or the form has expired. Go back, reload the page and try again.
error-not-allowed-title = Not allowed
error-not-allowed-text = This page does not accept that kind of request.
error-too-large-title = Too large
error-too-large-text = What you sent is too large. Make the file smaller and try again.
error-too-many-title = Too many requests
error-too-many-text = Wait a minute and try again.
error-bad-request-title = Bad request
error-bad-request-text = The page could not read the request. Go back and try again.
error-server-title = Sorry, something went wrong
error-server-text = Try again later. What you entered has not been saved.

# A form key sent again (service::once)
form-error-still-being-sent = This form is still being sent; wait a moment and open the list
form-error-sent-with-other-content = This form was already sent with other content; open the form again to send this
