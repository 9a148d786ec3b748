using System.Security.Claims;
using System.Text.Encodings.Web;
using LeakWatch.Service.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Accounts;

/// <summary>Where a signed-in person stands: the console opens only once the password was changed and the second factor given.</summary>
internal static class SessionStages
{
    public const string Claim = "leakwatch:stage";
    public const string Ready = "ready";
    public const string ChangePassword = "change-password";
    public const string SecondFactor = "second-factor";
    public const string EnrollSecondFactor = "enroll-second-factor";

    public static string PageOf(string stage) => stage switch
    {
        ChangePassword => "/account/password",
        SecondFactor => "/login/second-factor",
        EnrollSecondFactor => "/account/second-factor",
        _ => "/",
    };
}

/// <summary>The session cookie: HttpOnly, SameSite=Strict, and Secure with the __Host- prefix on HTTPS. No expiry: the server ends sessions.</summary>
internal static class SessionCookie
{
    public static string Name(HttpContext context) => context.Request.IsHttps ? "__Host-leakwatch-session" : "leakwatch-session";

    public static string? Read(HttpContext context) => context.Request.Cookies[Name(context)] is { Length: > 0 } token ? token : null;

    public static void Write(HttpContext context, string token) =>
        context.Response.Cookies.Append(Name(context), token, Options(context));

    public static void Delete(HttpContext context) => context.Response.Cookies.Delete(Name(context), Options(context));

    private static CookieOptions Options(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        IsEssential = true,
    };
}

/// <summary>
/// ASP.NET Core authentication over the server-side sessions of <see cref="SessionStore"/>: a challenge sends a browser
/// to /login (and back afterwards), a refusal answers 403, a session not yet ready is sent to the step it misses.
/// </summary>
internal sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    SessionStore sessions,
    AccountService accounts,
    AuditLog audit) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "LeakWatchSession";
    private const string TokenItem = "leakwatch:session-token";
    private const string UserItem = "leakwatch:user";

    public static string? Token(HttpContext context) => context.Items[TokenItem] as string;

    public static ConsoleUser? User(HttpContext context) => context.Items[UserItem] as ConsoleUser;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (SessionCookie.Read(Context) is not { } token) return AuthenticateResult.NoResult();
        var (session, end) = await sessions.ValidateAsync(token, Context.RequestAborted);
        if (session is null)
        {
            SessionCookie.Delete(Context);
            if (end is SessionEnd.IdleExpired or SessionEnd.AbsoluteExpired)
            {
                // Whose session it was is no longer known from the token alone; the address and reason still are.
                await audit.AppendAsync(new AuditEvent("(session)", AuditActions.SessionExpired, "", end == SessionEnd.IdleExpired ? "idle" : "absolute", Address(Context)), Context.RequestAborted);
            }
            return AuthenticateResult.NoResult();
        }
        var user = session.User;
        var stage = user.MustChangePassword ? SessionStages.ChangePassword
            : user.HasSecondFactor && !session.SecondFactorDone ? SessionStages.SecondFactor
            : !user.HasSecondFactor && await accounts.IsSecondFactorRequiredAsync(user.Role, Context.RequestAborted) ? SessionStages.EnrollSecondFactor
            : SessionStages.Ready;
        Context.Items[TokenItem] = token;
        Context.Items[UserItem] = user;
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role), new Claim(SessionStages.Claim, stage)],
            SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method))
        {
            var back = Request.PathBase + Request.Path + Request.QueryString;
            Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(back));
        }
        else
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
        }
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var stage = Context.User.FindFirst(SessionStages.Claim)?.Value;
        if (stage is not null && stage != SessionStages.Ready && (HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method)))
        {
            Response.Redirect(SessionStages.PageOf(stage));
            return Task.CompletedTask;
        }
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    public static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "";
}
