# Strings of the mail pages (one-click unsubscribe), in English. Keys match uk/mail.ftl one to one.
unsubscribe-title = Unsubscribe
unsubscribe-ask = Stop getting this kind of news by mail?
unsubscribe-button = Unsubscribe
unsubscribe-own-items = Mail about your own appeals, reports and petitions keeps coming: it is not optional.
unsubscribe-done-signed-petitions = You will no longer get news of petitions you signed.
unsubscribe-done-followed-reports = You will no longer get news of reports you follow.
unsubscribe-unknown = This unsubscribe link is unknown. You can choose which mail you get in your account settings.
unsubscribe-settings-link = Choose your mail in your account settings
