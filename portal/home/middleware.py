from decimal import InvalidOperation

from django.shortcuts import render


class BadInputMiddleware:
    """A last line of defence: input that breaks number handling somewhere no form caught it is a 400 with a
    message, never a 500. (Forms validate first; this only catches what slipped past them.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, InvalidOperation):
            return render(request, "400.html", status=400)
        return None
