"""Marshmallow schemas of the registration API (requests and answers), one module per resource; shared fields
in `fields`. Messages in Bahasa Indonesia."""
