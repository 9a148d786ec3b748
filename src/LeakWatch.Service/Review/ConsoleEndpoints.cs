using LeakWatch.Service.Accounts;
using LeakWatch.Service.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Review;

/// <summary>
/// The console's routes and who may use each. Every route but the sign-in page and the style sheet needs a ready
/// session (the listener's fallback policy) and, here, a role; every POST checks the anti-forgery token.
/// </summary>
internal sealed class ConsoleEndpoints(AccountPages account, IncidentPages incidents, ReportPages reports, AdminPages admin) : IWebEndpoints
{
    private static readonly AuthorizeAttribute Readers = new() { Roles = ConsoleRoles.Analyst + "," + ConsoleRoles.Dpo };
    private static readonly AuthorizeAttribute Dpo = new() { Roles = ConsoleRoles.Dpo };
    private static readonly AuthorizeAttribute Auditors = new() { Roles = ConsoleRoles.Dpo + "," + ConsoleRoles.Admin };
    private static readonly AuthorizeAttribute Admin = new() { Roles = ConsoleRoles.Admin };
    // Reached before the session is ready (one-time password, second factor): signed in is enough.
    private static readonly AuthorizeAttribute SignedIn = new(WebPolicies.SignedIn);
    // The password is changed when owed or once ready; a second factor is enrolled when owed or once ready, never
    // while one is owed (that would let a session with the password alone replace the factor and pass).
    private static readonly AuthorizationPolicy PasswordStage = Stages(SessionStages.ChangePassword, SessionStages.Ready);
    private static readonly AuthorizationPolicy EnrolmentStage = Stages(SessionStages.EnrollSecondFactor, SessionStages.Ready);

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/console.css", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Text(ConsolePage.StyleSheet, "text/css; charset=utf-8");
        }).AllowAnonymous();

        endpoints.MapGet("/login", (HttpContext c) => AccountPages.Login(c)).AllowAnonymous();
        Post(endpoints, "/login", account.SignIn).AllowAnonymous().RequireRateLimiting(SignInRateLimit.PolicyName);
        Post(endpoints, "/logout", account.SignOut).RequireAuthorization(SignedIn);
        endpoints.MapGet("/login/second-factor", (HttpContext c) => AccountPages.SecondFactorForm(c)).RequireAuthorization(SignedIn);
        Post(endpoints, "/login/second-factor", account.VerifySecondFactor).RequireAuthorization(SignedIn).RequireRateLimiting(SignInRateLimit.PolicyName);
        endpoints.MapGet("/account/password", (HttpContext c) => AccountPages.PasswordForm(c)).RequireAuthorization(SignedIn).RequireAuthorization(PasswordStage);
        Post(endpoints, "/account/password", account.ChangePassword).RequireAuthorization(SignedIn).RequireAuthorization(PasswordStage);
        Get(endpoints, "/account/second-factor", c => account.EnrollForm(c)).RequireAuthorization(SignedIn).RequireAuthorization(EnrolmentStage);
        Post(endpoints, "/account/second-factor", account.Enroll).RequireAuthorization(SignedIn).RequireAuthorization(EnrolmentStage);

        endpoints.MapGet("/", (HttpContext c) => Results.Redirect(
            c.User.IsInRole(ConsoleRoles.Admin) ? "/admin/users" : "/incidents")).RequireAuthorization(new AuthorizeAttribute { Roles = string.Join(',', ConsoleRoles.All) });

        Get(endpoints, "/incidents", incidents.List).RequireAuthorization(Readers);
        Get(endpoints, "/incidents/{id:long}", c => incidents.Show(c, Id(c))).RequireAuthorization(Readers);
        Post(endpoints, "/incidents/{id:long}/comment", c => incidents.Act(c, Id(c), "comment")).RequireAuthorization(Readers);
        foreach (var action in new[] { "confirm", "dismiss", "assign", "cnil-notified", "patients-notified" })
        {
            Post(endpoints, "/incidents/{id:long}/" + action, c => incidents.Act(c, Id(c), action)).RequireAuthorization(Dpo);
        }
        Get(endpoints, "/incidents/{id:long}/report", c => reports.Report(c, Id(c), json: false)).RequireAuthorization(Dpo);
        Get(endpoints, "/incidents/{id:long}/report.json", c => reports.Report(c, Id(c), json: true)).RequireAuthorization(Dpo);
        Get(endpoints, "/incidents/{id:long}/patients.jsonl", c => reports.Patients(c, Id(c))).RequireAuthorization(Dpo);

        Get(endpoints, "/audit", admin.Audit).RequireAuthorization(Auditors);
        Get(endpoints, "/audit.csv", admin.AuditCsv).RequireAuthorization(Auditors);
        Get(endpoints, "/admin/users", c => admin.Users(c)).RequireAuthorization(Admin);
        foreach (var action in new[] { "add", "reset", "disable" })
        {
            Post(endpoints, "/admin/users/" + action, c => admin.UserAction(c, action)).RequireAuthorization(Admin);
        }
        Get(endpoints, "/admin/settings", admin.Settings).RequireAuthorization(Admin);
        Post(endpoints, "/admin/settings", admin.SaveSettings).RequireAuthorization(Admin);
    }

    private static RouteHandlerBuilder Post(IEndpointRouteBuilder endpoints, string pattern, Func<HttpContext, Task<IResult>> handler) =>
        endpoints.MapPost(pattern, (Delegate)handler).AddEndpointFilter(async (invocation, next) =>
        {
            var antiforgery = invocation.HttpContext.RequestServices.GetRequiredService<IAntiforgery>();
            return await antiforgery.IsRequestValidAsync(invocation.HttpContext) ? await next(invocation) : Results.BadRequest();
        });

    private static RouteHandlerBuilder Get(IEndpointRouteBuilder endpoints, string pattern, Func<HttpContext, Task<IResult>> handler) =>
        endpoints.MapGet(pattern, (Delegate)handler);

    private static AuthorizationPolicy Stages(params string[] stages) => new AuthorizationPolicyBuilder(SessionAuthenticationHandler.SchemeName)
        .RequireAuthenticatedUser()
        .RequireClaim(SessionStages.Claim, stages)
        .Build();

    private static long Id(HttpContext context) => long.Parse((string)context.GetRouteValue("id")!, System.Globalization.CultureInfo.InvariantCulture);
}
