"""Places: the administrative divisions and their codes (`gazetteer`), the places below them located
from context (`locate`), and the city an article is about (`homecity`)."""
