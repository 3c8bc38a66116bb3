from django.shortcuts import redirect, render


def home(request):
    return redirect("account_login")


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)
