"""The Django project: portal, admin and JSON API."""
