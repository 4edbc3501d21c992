# Strings of the account pages and the signed-in parts of the layout, in English. Keys match uk/accounts.ftl.
nav-account = Your account
nav-login = Log in
nav-logout = Log out
error-summary-title = There is a problem
notice-success = Success
account-email = Email address
account-password = Password

register-title = Create an account
register-lead = With an account you can start and sign petitions and follow your appeals. We send a link to your email address to confirm it.
register-full-name = Full name
register-full-name-hint = Surname and given name (and patronymic, if any), as the law requires.
register-email-hint = We will send a confirmation link here. We never show it to anyone.
register-password-hint = At least 10 characters. A few words you remember are better than a short password.
register-submit = Create account
register-have-account = Already have an account?
register-error-full_name = Enter your full name: at least surname and given name
register-error-email = Enter an email address in the correct format, like name@example.org
register-error-password = Enter a password of 10 to 200 characters

check-email-title = Check your email
check-email-text = We sent a message to the address you gave. Open the link in it to confirm the address; then you can log in. If the address already has an account, the message says so.
check-email-spam = The link works for 48 hours. If the message has not arrived in a few minutes, look in your spam folder.

confirm-email-title = Confirm your email address
confirm-email-text = Select the button to confirm that this address is yours.
confirm-email-code = Code from the email
confirm-email-code-hint = It is filled in when you follow the link in the email.
confirm-email-submit = Confirm my address
confirm-error-token = This link is unknown, already used or expired. Register again or ask for a new link.

login-title = Log in
login-submit = Log in
login-forgot = Forgotten your password?
login-register = Create an account
login-confirmed = Your email address is confirmed. You can log in now.
login-reset = Your password is changed. Log in with the new one.
login-error-email = The email address or the password is wrong
login-unverified-error-email = Confirm your email address first: follow the link in the email we sent you

reset-title = Reset your password
reset-lead = Enter the email address of your account. We will send you a code to choose a new password.
reset-submit = Send the code
reset-sent = If this address has an account, we sent a code to it. The code works for a limited time and once.
reset-have-code = I have the code
reset-error-email = Enter an email address in the correct format, like name@example.org

new-password-title = Choose a new password
new-password-code = Code from the email
new-password-code-hint = 64 letters and digits.
new-password-password = New password
new-password-submit = Change password
new-password-error-token = This code is unknown, already used or expired. Ask for a new one.
new-password-error-new_password = Enter a password of 10 to 200 characters

settings-title = Your account
settings-language = Language of emails and pages
settings-submit = Save
settings-saved = Your settings are saved.
settings-error-language = Choose Ukrainian or English
