"""`make bench`: the stock-Rasa baseline and the tuned assistant measured side by side."""
