using System.Globalization;
using LeakWatch.Service.Accounts;
using LeakWatch.Service.Detection;
using LeakWatch.Service.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Review;

/// <summary>The console's page shell, its style sheet and the small helpers every page uses. No script anywhere.</summary>
internal static class ConsolePage
{
    public const string AntiforgeryField = "__RequestVerificationToken";

    public static IResult Render(HttpContext context, string title, Html body, int status = StatusCodes.Status200OK)
    {
        var user = SessionAuthenticationHandler.User(context);
        var ready = context.User.FindFirst(SessionStages.Claim)?.Value == SessionStages.Ready;
        var nav = new List<Html>();
        if (user is not null && ready)
        {
            if (user.Role is ConsoleRoles.Analyst or ConsoleRoles.Dpo) nav.Add(Html.Of($"<a href=\"/incidents\">Incidents</a>"));
            if (user.Role is ConsoleRoles.Dpo or ConsoleRoles.Admin) nav.Add(Html.Of($"<a href=\"/audit\">Audit</a>"));
            if (user.Role is ConsoleRoles.Admin)
            {
                nav.Add(Html.Of($"<a href=\"/admin/users\">Users</a>"));
                nav.Add(Html.Of($"<a href=\"/admin/settings\">Settings</a>"));
            }
            nav.Add(Html.Of($"<a href=\"/account/password\">Password</a>"));
            nav.Add(Html.Of($"<a href=\"/account/second-factor\">Second factor</a>"));
        }
        var who = user is null ? Html.Empty : Html.Of($"""
            <form class="signout" method="post" action="/logout">{Antiforgery(context)}<span>{user.Name} ({user.Role})</span> <button type="submit">Sign out</button></form>
            """);
        var page = Html.Of($"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>{title} · LeakWatch</title>
            <link rel="stylesheet" href="/console.css">
            </head>
            <body>
            <header><a class="brand" href="/">LeakWatch</a><nav>{nav}</nav>{who}</header>
            <main>
            <h1>{title}</h1>
            {body}
            </main>
            </body>
            </html>
            """);
        return Results.Content(page.Value, "text/html; charset=utf-8", statusCode: status);
    }

    public static Html Antiforgery(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return Html.Of($"<input type=\"hidden\" name=\"{tokens.FormFieldName}\" value=\"{tokens.RequestToken}\">");
    }

    public static Html Message(string? text, string kind = "error") =>
        string.IsNullOrEmpty(text) ? Html.Empty : Html.Of($"<p class=\"{kind}\">{text}</p>");

    /// <summary>What a crawled URL or path shows: encoded by the caller, archive entry names replaced by their hash.</summary>
    public static string Masked(string document) => DocumentNames.Stored(document);

    public static string Time(string? dbTime) =>
        dbTime is null ? "" : DbTime.Parse(dbTime).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public static Task WriteStatusAsync(HttpContext context)
    {
        var text = context.Response.StatusCode switch
        {
            StatusCodes.Status400BadRequest => "The request was refused (a form without its anti-forgery token, or a bad value).",
            StatusCodes.Status401Unauthorized => "Sign in first.",
            StatusCodes.Status403Forbidden => "Your role does not allow this page or action.",
            StatusCodes.Status404NotFound => "Nothing here.",
            StatusCodes.Status429TooManyRequests => "Too many sign-in attempts from your address. Wait " + context.Response.Headers.RetryAfter.ToString() + " seconds, then try again.",
            _ => "The request could not be served.",
        };
        context.Response.ContentType = "text/html; charset=utf-8";
        var code = context.Response.StatusCode;
        return context.Response.WriteAsync(Html.Of($"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{code} · LeakWatch</title><link rel="stylesheet" href="/console.css"></head>
            <body><main><h1>{code}</h1><p>{text}</p><p><a href="/">Back to LeakWatch</a></p></main></body></html>
            """).Value);
    }

    public const string StyleSheet = """
        :root { color-scheme: light; --ink: #1b1f24; --muted: #5b6570; --line: #d5dae0; --accent: #0b5cad; --bad: #a4161a; --ok: #1e6b35; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f7f9; }
        header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .6rem 1rem; background: #fff; border-bottom: 1px solid var(--line); }
        header nav { display: flex; flex-wrap: wrap; gap: .75rem; flex: 1; }
        .brand { font-weight: 700; text-decoration: none; color: var(--ink); }
        a { color: var(--accent); }
        main { max-width: 70rem; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
        h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
        section > h2:first-child { margin-top: .25rem; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; margin: 0 0 1rem; }
        table { width: 100%; border-collapse: collapse; background: #fff; }
        th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: .85rem; color: var(--muted); font-weight: 600; }
        .scroll { overflow-x: auto; }
        .url, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; overflow-wrap: anywhere; word-break: break-all; }
        dl { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .3rem 1rem; margin: 0; }
        dt { color: var(--muted); }
        dd { margin: 0; overflow-wrap: anywhere; }
        form.inline { display: inline; }
        form.stack { display: grid; gap: .5rem; max-width: 28rem; }
        form.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-bottom: 1rem; }
        label { display: grid; gap: .2rem; font-size: .9rem; }
        input, select, textarea, button { font: inherit; padding: .35rem .5rem; }
        button { cursor: pointer; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; }
        button.secondary { background: #fff; color: var(--accent); }
        button.danger { border-color: var(--bad); background: var(--bad); }
        .actions { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); }
        .badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .8rem; border: 1px solid var(--line); }
        .badge.new { background: #fff4ce; } .badge.confirmed { background: #fde2e1; } .badge.dismissed { background: #e6f4ea; }
        .error { color: var(--bad); font-weight: 600; }
        .notice { background: #eef5fd; border-left: 4px solid var(--accent); padding: .5rem .75rem; }
        .secret { font-size: 1.1rem; letter-spacing: .05em; }
        .signout { display: flex; gap: .5rem; align-items: center; font-size: .9rem; }
        .pager { display: flex; gap: 1rem; margin: 1rem 0; }
        .fr { color: var(--muted); font-style: italic; }
        @media (max-width: 40rem) { dl { grid-template-columns: 1fr; } dt { margin-top: .4rem; } th.wide, td.wide { display: none; } }
        @media print { header, form, .noprint { display: none !important; } body { background: #fff; } section { border: none; padding: 0; } }
        """;
}
