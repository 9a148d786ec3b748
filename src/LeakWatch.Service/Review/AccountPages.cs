using LeakWatch.Service.Accounts;
using LeakWatch.Service.Audit;
using Microsoft.AspNetCore.Http;

namespace LeakWatch.Service.Review;

/// <summary>Sign-in, sign-out, the first-sign-in password change and the second factor.</summary>
internal sealed class AccountPages(AccountService accounts, SessionStore sessions, AuditLog audit)
{
    public static IResult Login(HttpContext context, string? error = null)
    {
        var returnUrl = LocalOrRoot(context.Request.Query["returnUrl"]);
        return ConsolePage.Render(context, "Sign in", Html.Of($"""
            <section>
            {ConsolePage.Message(error)}
            <form class="stack" method="post" action="/login">
            {ConsolePage.Antiforgery(context)}
            <input type="hidden" name="returnUrl" value="{returnUrl}">
            <label>User name <input name="name" autocomplete="username" required autofocus></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">Sign in</button>
            </form>
            </section>
            <p class="notice">No account? Ask your LeakWatch administrator: every person has their own (<code>leakwatch users add</code>).</p>
            """), error is null ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized);
    }

    public async Task<IResult> SignIn(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var outcome = await accounts.SignInAsync(form["name"].ToString().Trim(), form["password"].ToString(), Address(context), context.RequestAborted);
        if (outcome.Result == SignInResult.LockedOut)
        {
            return Login(context, "This account is locked after too many failed sign-ins. Try again later, or ask an administrator to reset it.");
        }
        if (outcome.Result != SignInResult.Succeeded) return Login(context, "Wrong user name or password.");
        SessionCookie.Write(context, outcome.Token!);
        var user = outcome.User!;
        var next = user.MustChangePassword ? "/account/password?returnUrl=" + Uri.EscapeDataString(LocalOrRoot(form["returnUrl"]))
            : user.HasSecondFactor ? "/login/second-factor?returnUrl=" + Uri.EscapeDataString(LocalOrRoot(form["returnUrl"]))
            : LocalOrRoot(form["returnUrl"]);
        return Results.Redirect(next);
    }

    public async Task<IResult> SignOut(HttpContext context)
    {
        if (SessionAuthenticationHandler.Token(context) is { } token) await sessions.RevokeAsync(token, context.RequestAborted);
        var user = SessionAuthenticationHandler.User(context);
        if (user is not null)
        {
            await audit.AppendAsync(new AuditEvent(user.Name, AuditActions.SignOut, AuditActions.UserTarget(user.Name), "", Address(context)), context.RequestAborted);
        }
        SessionCookie.Delete(context);
        return Results.Redirect("/login");
    }

    public static IResult PasswordForm(HttpContext context, string? error = null)
    {
        var user = SessionAuthenticationHandler.User(context)!;
        var intro = user.MustChangePassword
            ? Html.Of($"<p class=\"notice\">Your password was given to you once: choose your own before going further.</p>")
            : Html.Empty;
        return ConsolePage.Render(context, "Change your password", Html.Of($"""
            {intro}
            <section>
            {ConsolePage.Message(error)}
            <form class="stack" method="post" action="/account/password">
            {ConsolePage.Antiforgery(context)}
            <input type="hidden" name="returnUrl" value="{LocalOrRoot(context.Request.Query["returnUrl"])}">
            <label>Current password <input name="current" type="password" autocomplete="current-password" required></label>
            <label>New password (at least {AccountService.MinPasswordLength} characters) <input name="next" type="password" autocomplete="new-password" required minlength="{AccountService.MinPasswordLength}"></label>
            <label>New password again <input name="confirm" type="password" autocomplete="new-password" required></label>
            <button type="submit">Change password</button>
            </form>
            </section>
            """), error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    public async Task<IResult> ChangePassword(HttpContext context)
    {
        var user = SessionAuthenticationHandler.User(context)!;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var problem = await accounts.ChangePasswordAsync(user, form["current"].ToString(), form["next"].ToString(), form["confirm"].ToString(),
            SessionAuthenticationHandler.Token(context)!, Address(context), context.RequestAborted);
        if (problem is not null) return PasswordForm(context, problem);
        var returnUrl = LocalOrRoot(form["returnUrl"]);
        return Results.Redirect(user.HasSecondFactor ? "/login/second-factor?returnUrl=" + Uri.EscapeDataString(returnUrl) : returnUrl);
    }

    public static IResult SecondFactorForm(HttpContext context, string? error = null) =>
        ConsolePage.Render(context, "Second factor", Html.Of($"""
            <section>
            {ConsolePage.Message(error)}
            <form class="stack" method="post" action="/login/second-factor">
            {ConsolePage.Antiforgery(context)}
            <input type="hidden" name="returnUrl" value="{LocalOrRoot(context.Request.Query["returnUrl"])}">
            <label>The 6-digit code from your authenticator app <input name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus></label>
            <button type="submit">Continue</button>
            </form>
            </section>
            """), error is null ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized);

    public async Task<IResult> VerifySecondFactor(HttpContext context)
    {
        var user = SessionAuthenticationHandler.User(context)!;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (!await accounts.VerifySecondFactorAsync(user, form["code"], Address(context), context.RequestAborted))
        {
            return SecondFactorForm(context, "That code is not valid (or was already used).");
        }
        await sessions.MarkSecondFactorDoneAsync(SessionAuthenticationHandler.Token(context)!, context.RequestAborted);
        return Results.Redirect(LocalOrRoot(form["returnUrl"]));
    }

    public async Task<IResult> EnrollForm(HttpContext context, string? error = null)
    {
        var user = SessionAuthenticationHandler.User(context)!;
        var (secret, sealedSecret) = await accounts.NewSecondFactorAsync(context.RequestAborted);
        var state = user.HasSecondFactor
            ? Html.Of($"<p class=\"notice\">A second factor is already set. Entering a new one replaces it.</p>")
            : await accounts.IsSecondFactorRequiredAsync(user.Role, context.RequestAborted)
                ? Html.Of($"<p class=\"notice\">Your role requires a second factor: set one up to continue.</p>")
                : Html.Empty;
        return ConsolePage.Render(context, "Second factor", Html.Of($"""
            {state}
            <section>
            {ConsolePage.Message(error)}
            <p>Add this key to an authenticator app (time-based, 6 digits, 30 seconds), then type the code it shows.</p>
            <p>Key: <code class="secret">{SecondFactor.ToBase32(secret)}</code></p>
            <p>Or the URI: <code>{SecondFactor.OtpAuthUri(user.Name, secret)}</code></p>
            <form class="stack" method="post" action="/account/second-factor">
            {ConsolePage.Antiforgery(context)}
            <input type="hidden" name="sealed" value="{sealedSecret}">
            <label>Code <input name="code" inputmode="numeric" autocomplete="one-time-code" required></label>
            <button type="submit">Turn on</button>
            </form>
            </section>
            """), error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    public async Task<IResult> Enroll(HttpContext context)
    {
        var user = SessionAuthenticationHandler.User(context)!;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (!await accounts.EnrollSecondFactorAsync(user, form["sealed"].ToString(), form["code"], Address(context), context.RequestAborted))
        {
            return await EnrollForm(context, "That code does not match the key: check the app's clock and try again with the new key below.");
        }
        await sessions.MarkSecondFactorDoneAsync(SessionAuthenticationHandler.Token(context)!, context.RequestAborted);
        return Results.Redirect("/");
    }

    public static string Address(HttpContext context) => SessionAuthenticationHandler.Address(context);

    /// <summary>Only a path of this site: never another host (//evil.example, /\evil.example) after sign-in.</summary>
    public static string LocalOrRoot(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains("://", StringComparison.Ordinal)
            ? url : "/";
}
