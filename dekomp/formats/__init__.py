"""Date and time formats per language, where Django's own differ from how the site writes dates."""
