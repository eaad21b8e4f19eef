"""The page where a signed-in user makes, lists and revokes their own API tokens."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .forms import ApiTokenForm
from .models import create_token, revoke_token


def token_list(request):
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        token, secret = create_token(
            user=request.user,
            name=form.cleaned_data["name"],
            can_write=form.cleaned_data["can_write"],
            expires_at=form.expires_at(),
        )
        # Rendered, not redirected: the secret is shown in this response only, never stored.
        form = ApiTokenForm()
    return render(
        request,
        "api/tokens.html",
        {"form": form, "secret": secret, "tokens": request.user.api_tokens.active()},
    )


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(request.user.api_tokens.active(), pk=pk)
    revoke_token(token=token)
    messages.success(request, f"Revoked “{token.name}”: it no longer works.")
    return redirect("tokens")
