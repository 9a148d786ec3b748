using System.Globalization;
using System.Text;
using LeakWatch.Service.Accounts;
using LeakWatch.Service.Audit;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Review;

/// <summary>Users and settings (admin), and the audit log (dpo, admin).</summary>
internal sealed class AdminPages(AccountService accounts, UserStore users, AuditLog audit, ClusterNodes nodes, IOptions<ClusterOptions> cluster, TimeProvider time)
{
    public async Task<IResult> Users(HttpContext context, Html message = default)
    {
        var all = await users.ListAsync(context.RequestAborted);
        var token = ConsolePage.Antiforgery(context);
        var rows = all.Select(u => Html.Of($"""
            <tr><td>{u.Name}</td><td>{u.Role}</td><td>{State(u)}</td><td>{(u.HasSecondFactor ? "yes" : "no")}</td><td>{ConsolePage.Time(u.CreatedAt)} by {u.CreatedBy}</td>
            <td><form class="inline" method="post" action="/admin/users/reset">{token}<input type="hidden" name="name" value="{u.Name}"><button class="secondary" type="submit">Reset</button></form>
            {(u.Disabled ? Html.Empty : Html.Of($"<form class=\"inline\" method=\"post\" action=\"/admin/users/disable\">{token}<input type=\"hidden\" name=\"name\" value=\"{u.Name}\"><button class=\"danger\" type=\"submit\">Disable</button></form>"))}</td></tr>
            """)).ToList();
        return ConsolePage.Render(context, "Users", Html.Of($"""
            {message}
            <div class="scroll"><table><thead><tr><th>Name</th><th>Role</th><th>State</th><th>Second factor</th><th>Created</th><th></th></tr></thead><tbody>{rows}</tbody></table></div>
            <h2>Add a person</h2>
            <form class="stack" method="post" action="/admin/users/add">{token}
            <label>User name <input name="name" required maxlength="64"></label>
            <label>Role {IncidentPages.Select("role", ConsoleRoles.All, ConsoleRoles.Analyst, "choose")}</label>
            <button type="submit">Add</button>
            </form>
            """));
    }

    public async Task<IResult> UserAction(HttpContext context, string action)
    {
        var admin = SessionAuthenticationHandler.User(context)!;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var name = form["name"].ToString().Trim();
        var address = AccountPages.Address(context);
        try
        {
            switch (action)
            {
                case "add":
                    if (!ConsoleRoles.TryParse(form["role"], out var role)) return await Users(context, ConsolePage.Message("Choose a role."));
                    var password = await accounts.AddAsync(name, role, null, admin.Name, address, context.RequestAborted);
                    return await Users(context, OneTime(name, password));
                case "reset":
                    return await Users(context, OneTime(name, await accounts.ResetAsync(name, admin.Name, address, context.RequestAborted)));
                case "disable" when !string.Equals(name, admin.Name, StringComparison.OrdinalIgnoreCase):
                    await accounts.DisableAsync(name, admin.Name, address, context.RequestAborted);
                    return Results.Redirect("/admin/users");
                default:
                    return await Users(context, ConsolePage.Message("You cannot disable your own account."));
            }
        }
        catch (LeakWatchException e)
        {
            return await Users(context, ConsolePage.Message(e.Message));
        }
    }

    public async Task<IResult> Settings(HttpContext context)
    {
        var rows = new List<Html>();
        foreach (var role in ConsoleRoles.All)
        {
            var required = await accounts.IsSecondFactorRequiredAsync(role, context.RequestAborted);
            rows.Add(required
                ? Html.Of($"<label><span><input type=\"checkbox\" name=\"require\" value=\"{role}\" checked> {role}</span></label>")
                : Html.Of($"<label><span><input type=\"checkbox\" name=\"require\" value=\"{role}\"> {role}</span></label>"));
        }
        var nodeList = await NodesAsync(context);
        return ConsolePage.Render(context, "Settings", Html.Of($"""
            <section>
            <h2>Second factor (TOTP) required for</h2>
            <form class="stack" method="post" action="/admin/settings">{ConsolePage.Antiforgery(context)}
            {rows}
            <button type="submit">Save</button>
            </form>
            <p>People of a role that requires it set up their authenticator app at their next sign-in.</p>
            </section>
            {nodeList}
            """));
    }

    /// <summary>The nodes of the service (one, or a cluster's): each one's last heartbeat and the jobs it runs.</summary>
    private async Task<Html> NodesAsync(HttpContext context)
    {
        var now = time.GetUtcNow();
        var settings = cluster.Value;
        var rows = (await nodes.ListAsync(context.RequestAborted)).Select(n => Html.Of($"""
            <tr><td>{n.Name}</td><td>{(n.IsDown(now, settings) ? "down" : "alive")}</td><td>{ConsolePage.Time(n.LastHeartbeat)} ({ClusterNodes.Seconds(n.Age(now))} s ago)</td><td>{n.JobsRunning.ToString(CultureInfo.InvariantCulture)}</td><td>{n.Running}</td><td>{ConsolePage.Time(n.StartedAt)}</td></tr>
            """)).ToList();
        return Html.Of($"""
            <section>
            <h2>Nodes</h2>
            <div class="scroll"><table><thead><tr><th>Node</th><th>State</th><th>Last heartbeat</th><th>Jobs running</th><th>Running</th><th>Started</th></tr></thead><tbody>{rows}</tbody></table></div>
            <p>A node is down when it has missed {settings.DownAfterMissedHeartbeats.ToString(CultureInfo.InvariantCulture)} heartbeats ({settings.DownAfter.ToString("c", CultureInfo.InvariantCulture)}): its service is down or cannot reach the database. Its jobs are taken over by the other nodes. A node down for {settings.ForgetDownNodesAfter.ToString("c", CultureInfo.InvariantCulture)} is removed from this list.</p>
            </section>
            """);
    }

    public async Task<IResult> SaveSettings(HttpContext context)
    {
        var admin = SessionAuthenticationHandler.User(context)!;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var required = form["require"].ToArray();
        foreach (var role in ConsoleRoles.All)
        {
            await accounts.SetSecondFactorRequiredAsync(role, required.Contains(role), admin.Name, AccountPages.Address(context), context.RequestAborted);
        }
        return Results.Redirect("/admin/settings");
    }

    public async Task<IResult> Audit(HttpContext context)
    {
        var filter = Filter(context, limit: 100);
        var entries = await audit.ReadAsync(filter, context.RequestAborted);
        var rows = entries.Select(e => Html.Of($"<tr><td>{e.Id}</td><td>{ConsolePage.Time(e.At)}</td><td>{e.Actor}</td><td>{e.Action}</td><td>{e.Target}</td><td>{e.Detail}</td><td class=\"wide\">{e.Address}</td></tr>")).ToList();
        var query = context.Request.Query.Where(q => q.Key != "before").ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
        var older = entries.Count == filter.Limit
            ? Html.Of($"<a href=\"/audit{QueryString.Create(query.Append(new("before", entries[^1].Id.ToString(CultureInfo.InvariantCulture))))}\">Older</a>")
            : Html.Empty;
        return ConsolePage.Render(context, "Audit log", Html.Of($"""
            <form class="filters" method="get" action="/audit">
            <label>Who <input name="actor" value="{filter.Actor}"></label>
            <label>Action <input name="action" value="{filter.Action}"></label>
            <label>Target <input name="target" value="{filter.Target}" placeholder="incident/12"></label>
            <button type="submit">Filter</button>
            <a href="/audit.csv{QueryString.Create(query)}">Export CSV</a>
            </form>
            <p>Every sign-in, view, action and user change, chained by a keyed hash (<code>leakwatch audit verify</code> checks it).</p>
            <div class="scroll"><table><thead><tr><th>#</th><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Detail</th><th class="wide">Address</th></tr></thead><tbody>{rows}</tbody></table></div>
            <nav class="pager">{older}</nav>
            """));
    }

    public async Task<IResult> AuditCsv(HttpContext context)
    {
        var user = SessionAuthenticationHandler.User(context)!;
        var entries = await audit.ReadAsync(Filter(context, limit: int.MaxValue), context.RequestAborted);
        await audit.AppendAsync(new AuditEvent(user.Name, AuditActions.AuditExported, "audit", entries.Count.ToString(CultureInfo.InvariantCulture) + " entries", AccountPages.Address(context)), context.RequestAborted);
        var csv = new StringBuilder("id,at,actor,action,target,detail,address,mac\r\n");
        foreach (var e in entries.Reverse())
        {
            csv.AppendJoin(',', new[] { e.Id.ToString(CultureInfo.InvariantCulture), e.At, e.Actor, e.Action, e.Target, e.Detail, e.Address, e.Mac }.Select(Cell)).Append("\r\n");
        }
        context.Response.Headers.ContentDisposition = "attachment; filename=leakwatch-audit.csv";
        return Results.Text(csv.ToString(), "text/csv; charset=utf-8");
    }

    /// <summary>RFC 4180 quoting, and a leading quote on cells a spreadsheet would run as a formula.</summary>
    internal static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static AuditFilter Filter(HttpContext context, int limit)
    {
        var q = context.Request.Query;
        return new AuditFilter(q["actor"], q["action"], q["target"],
            long.TryParse(q["before"], NumberStyles.None, CultureInfo.InvariantCulture, out var before) ? before : null, limit);
    }

    private static string State(ConsoleUser u) =>
        u.Disabled ? "disabled" : u.LockedUntil is not null ? "locked until " + ConsolePage.Time(u.LockedUntil) : u.MustChangePassword ? "one-time password" : "active";

    private static Html OneTime(string name, string password) => Html.Of($"""
        <p class="notice">One-time password for <strong>{name}</strong> (shown once; give it to the person, who must change it at first sign-in): <code class="secret">{password}</code></p>
        """);
}
