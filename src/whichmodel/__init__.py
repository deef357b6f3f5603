"""whichmodel: which transformer should I use, and how should I adapt it within my budget?"""

__version__ = "0.1.0"
