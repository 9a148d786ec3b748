using System.Globalization;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Accounts;
using LeakWatch.Service.Audit;
using LeakWatch.Service.Incidents;
using Microsoft.AspNetCore.Http;

namespace LeakWatch.Service.Review;

/// <summary>The incidents list, an incident's page and the review actions on it.</summary>
internal sealed class IncidentPages(CaseStore cases, UserStore users, AuditLog audit, TimeProvider time)
{
    public async Task<IResult> List(HttpContext context)
    {
        var query = context.Request.Query;
        var filter = new IncidentFilter(
            OneOf(query["status"], CaseStatus.All),
            OneOf(query["confidence"], ["high", "medium", "low"]),
            string.IsNullOrWhiteSpace(query["source"]) ? null : query["source"].ToString(),
            Date(query["from"]),
            Date(query["to"]),
            int.TryParse(query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page > 0 ? page : 1,
            OneOf(query["kind"], KindIds));
        var result = await cases.ListAsync(filter, context.RequestAborted);
        var sources = await cases.SourcesAsync(context.RequestAborted);
        var rows = result.Items.Select(item =>
        {
            var i = item.Incident;
            return Html.Of($"""
                <tr><td><a href="/incidents/{i.Id}">#{i.Id}</a></td><td>{KindCell(i)}</td><td>{ConsolePage.Time(i.FirstSeen)}</td><td>{i.Source}</td>
                <td class="url wide">{ConsolePage.Masked(i.Url)}</td><td>{ConsolePage.Number(i.PatientsTotal)}</td>
                <td class="wide">{ConsolePage.Number(i.PatientsHigh)} / {ConsolePage.Number(i.PatientsMedium)} / {ConsolePage.Number(i.PatientsLow)}</td>
                <td><span class="badge {item.Status}">{item.Status}</span></td><td class="wide">{item.AssignedTo ?? ""}</td></tr>
                """);
        }).ToList();
        var table = rows.Count == 0
            ? Html.Of($"<p>No incident matches these filters.</p>")
            : Html.Of($"""
                <div class="scroll"><table>
                <thead><tr><th>Incident</th><th>Kind</th><th>First seen</th><th>Source</th><th class="wide">Where</th><th>Patients</th><th class="wide">High / medium / low</th><th>Status</th><th class="wide">Assigned</th></tr></thead>
                <tbody>{rows}</tbody></table></div>
                """);
        return ConsolePage.Render(context, "Incidents", Html.Of($"""
            <form class="filters" method="get" action="/incidents">
            <label>Kind {Select("kind", KindIds, filter.Kind)}</label>
            <label>Status {Select("status", [.. CaseStatus.All], filter.Status)}</label>
            <label>Confidence at least {Select("confidence", ["high", "medium", "low"], filter.Confidence)}</label>
            <label>Source {Select("source", sources, filter.Source)}</label>
            <label>First seen from <input type="date" name="from" value="{filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"></label>
            <label>to <input type="date" name="to" value="{filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"></label>
            <button type="submit">Filter</button>
            </form>
            <p>{ConsolePage.Number(result.Total)} incidents, newest first. Page {result.Page} of {result.Pages}.</p>
            {table}
            {Pager(context, result)}
            """));
    }

    public async Task<IResult> Show(HttpContext context, long id)
    {
        var detail = await cases.GetAsync(id, context.RequestAborted);
        if (detail is null) return Results.NotFound();
        var user = SessionAuthenticationHandler.User(context)!;
        await audit.AppendAsync(new AuditEvent(user.Name, AuditActions.IncidentViewed, AuditActions.IncidentTarget(id), "", AccountPages.Address(context)), context.RequestAborted);
        var i = detail.Incident;
        var c = detail.Case;
        var fields = IncidentRow.FieldNames(i.Fields);
        var growth = detail.Documents.Select(d => Html.Of($"""
            <tr><td>{ConsolePage.Time(d.FirstSeen)}</td><td>{d.Source}</td><td class="url">{ConsolePage.Masked(d.Url)}</td><td>{ConsolePage.Number(d.Bytes)}</td><td>{ConsolePage.Number(d.Patients)}</td><td><code>{d.ContentHash[..12]}</code></td></tr>
            """)).ToList();
        var comments = detail.Comments.Select(k => Html.Of($"<li><strong>{k.Author}</strong>, {ConsolePage.Time(k.At)}: {k.Body}</li>")).ToList();
        var actions = user.Role == ConsoleRoles.Dpo ? await Actions(context, i.Id, c, i.Kind) : Html.Empty;
        return ConsolePage.Render(context, "Incident #" + id.ToString(CultureInfo.InvariantCulture), Html.Of($"""
            <p><span class="badge {c.Status}">{c.Status}</span> {Decision(c)}</p>
            <section>
            <h2>Where and when</h2>
            <dl>
            <dt>Source</dt><dd>{i.Source}</dd>
            <dt>URL</dt><dd class="url">{ConsolePage.Masked(i.Url)}</dd>
            <dt>First seen</dt><dd>{ConsolePage.Time(i.FirstSeen)}</dd>
            <dt>Last seen</dt><dd>{ConsolePage.Time(i.LastSeen)}</dd>
            <dt>Content hash (keyed)</dt><dd><code>{i.ContentHash}</code></dd>
            <dt>Size</dt><dd>{ConsolePage.Number(i.Bytes)} bytes, version {i.Revision}</dd>
            </dl>
            </section>
            {KindSection(i)}
            <section>
            <h2>{(i.Kind == IncidentKind.Canary ? "Canaries found" : "Patients of ours found")}</h2>
            <table><thead><tr><th>High confidence</th><th>Medium</th><th>Low</th><th>Total</th></tr></thead>
            <tbody><tr><td>{ConsolePage.Number(i.PatientsHigh)}</td><td>{ConsolePage.Number(i.PatientsMedium)}</td><td>{ConsolePage.Number(i.PatientsLow)}</td><td><strong>{ConsolePage.Number(i.PatientsTotal)}</strong></td></tr></tbody></table>
            <dl>
            <dt>Rules matched</dt><dd>{string.Join(", ", i.Rules.Names())}</dd>
            <dt>Kinds of field</dt><dd>{string.Join(", ", fields)}</dd>
            </dl>
            <p class="notice">LeakWatch never holds names or values: the people are opaque references, which only the lab's export turns back into patients (<code>leakwatch resolve</code>, on a workstation).</p>
            </section>
            <section>
            <h2>Growth over time</h2>
            <div class="scroll"><table><thead><tr><th>First seen</th><th>Source</th><th>Where</th><th>Bytes</th><th>Patients</th><th>SHA-256</th></tr></thead><tbody>{growth}</tbody></table></div>
            </section>
            <section>
            <h2>Case</h2>
            <dl>
            <dt>Assigned to</dt><dd>{c.AssignedTo ?? "nobody"}</dd>
            <dt>CNIL notified</dt><dd>{c.CnilNotifiedOn ?? "not yet"}</dd>
            <dt>Patients notified</dt><dd>{c.PatientsNotifiedOn ?? "not yet"}</dd>
            </dl>
            {actions}
            </section>
            <section>
            <h2>Comments</h2>
            <ul>{comments}</ul>
            <form class="stack" method="post" action="/incidents/{i.Id}/comment">
            {ConsolePage.Antiforgery(context)}
            <label>Comment (never a patient's name or any value from the document) <textarea name="body" rows="3" maxlength="2000" required></textarea></label>
            <button type="submit">Add comment</button>
            </form>
            </section>
            """));
    }

    private async Task<Html> Actions(HttpContext context, long id, ReviewCase c, IncidentKind kind)
    {
        var people = (await users.ListAsync(context.RequestAborted)).Where(u => !u.Disabled && u.Role is ConsoleRoles.Analyst or ConsoleRoles.Dpo).Select(u => u.Name).ToList();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var token = ConsolePage.Antiforgery(context);
        // Only a patient leak has patients to resolve; the report of the other kinds says what they call for.
        var patients = NotificationReport.HasPatients(kind)
            ? Html.Of($""" · <a href="/incidents/{id}/patients.jsonl">patients.jsonl</a> (references for <code>leakwatch resolve</code>; the download is audited)""")
            : Html.Empty;
        var reports = c.Status == CaseStatus.Confirmed
            ? Html.Of($"""
                <p class="noprint">Notification report: <a href="/incidents/{id}/report">printable</a> · <a href="/incidents/{id}/report.json">report.json</a>{patients}</p>
                """)
            : Html.Of($"<p>Confirm the incident to prepare its notification report.</p>");
        return Html.Of($"""
            {reports}
            <div class="actions">
            <form method="post" action="/incidents/{id}/confirm">{token}<button type="submit">Confirm: a real leak of our patients</button></form>
            <form class="stack" method="post" action="/incidents/{id}/dismiss">{token}<label>Reason it is a false positive <input name="reason" maxlength="500" required></label><button class="secondary" type="submit">Dismiss as a false positive</button></form>
            <form class="stack" method="post" action="/incidents/{id}/assign">{token}<label>Assign to {Select("assignee", people, c.AssignedTo, "nobody")}</label><button class="secondary" type="submit">Assign</button></form>
            <form class="stack" method="post" action="/incidents/{id}/cnil-notified">{token}<label>CNIL notified on <input type="date" name="date" value="{c.CnilNotifiedOn ?? today}" required></label><button class="secondary" type="submit">Record</button></form>
            <form class="stack" method="post" action="/incidents/{id}/patients-notified">{token}<label>Patients notified on <input type="date" name="date" value="{c.PatientsNotifiedOn ?? today}" required></label><button class="secondary" type="submit">Record</button></form>
            </div>
            """);
    }

    public async Task<IResult> Act(HttpContext context, long id, string action)
    {
        if (await cases.GetAsync(id, context.RequestAborted) is null) return Results.NotFound();
        var user = SessionAuthenticationHandler.User(context)!;
        var address = AccountPages.Address(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var ct = context.RequestAborted;
        switch (action)
        {
            case "confirm":
                await cases.ConfirmAsync(id, user.Name, address, ct);
                break;
            case "dismiss" when Text(form["reason"], 500) is { } reason:
                await cases.DismissAsync(id, reason, user.Name, address, ct);
                break;
            case "assign":
                var assignee = Text(form["assignee"], 64);
                if (assignee is not null && await users.FindAsync(assignee, ct) is not { Disabled: false }) return Results.BadRequest();
                await cases.AssignAsync(id, assignee, user.Name, address, ct);
                break;
            case "cnil-notified" when Date(form["date"]) is { } cnil:
                await cases.SetCnilNotifiedAsync(id, cnil, user.Name, address, ct);
                break;
            case "patients-notified" when Date(form["date"]) is { } notified:
                await cases.SetPatientsNotifiedAsync(id, notified, user.Name, address, ct);
                break;
            case "comment" when Text(form["body"], 2000) is { } body:
                await cases.CommentAsync(id, body, user.Name, address, ct);
                break;
            default:
                return Results.BadRequest();
        }
        return Results.Redirect("/incidents/" + id.ToString(CultureInfo.InvariantCulture));
    }

    private static readonly IReadOnlyList<string> KindIds = [.. IncidentKinds.All.Select(IncidentKinds.Id)];

    /// <summary>The kind in the list, with what names it: the system of a canary, the watched terms (the lab's own settings).</summary>
    private static Html KindCell(IncidentRow i) => i.Kind switch
    {
        IncidentKind.Canary => Html.Of($"<span class=\"badge canary\">canary</span> {i.System}"),
        IncidentKind.EarlyWarning => Html.Of($"<span class=\"badge early-warning\">early warning</span> {i.Terms}"),
        IncidentKind.SuspiciousDump => Html.Of($"<span class=\"badge suspicious-dump\">suspicious dump</span>"),
        _ => Html.Of($"patients"),
    };

    /// <summary>What an incident that is not (only) about patients says: its kind and what it names. Never text around a term.</summary>
    private static Html KindSection(IncidentRow i) => i.Kind switch
    {
        IncidentKind.Canary => Html.Of($"""
            <section>
            <h2>Kind: canary</h2>
            <dl><dt>System</dt><dd><strong>{i.System}</strong></dd><dt>Confidence</dt><dd>highest: a canary identity exists only in that system</dd></dl>
            <p class="notice">The document holds a canary made by <code>leakwatch canary create</code> for this system: the leak came from it.</p>
            </section>
            """),
        IncidentKind.EarlyWarning => Html.Of($"""
            <section>
            <h2>Kind: early warning</h2>
            <dl><dt>Watched terms</dt><dd>{string.Join(", ", IncidentRow.ListOf(i.Terms))}</dd></dl>
            <p class="notice">The page (a thread title or a post) names the lab. Only the term is kept, never the text around it; open the URL to read it. Patients found on the page, if any, are an incident of their own.</p>
            </section>
            """),
        IncidentKind.SuspiciousDump => Html.Of($"""
            <section>
            <h2>Kind: suspicious dump (informational)</h2>
            <table><thead><tr><th>Records</th><th>With a valid NIR</th><th>Shaped like identities</th><th>Of our patients</th></tr></thead>
            <tbody><tr><td>{ConsolePage.Number(i.Records)}</td><td>{ConsolePage.Number(i.ValidNirs)}</td><td>{ConsolePage.Number(i.IdentityRows)}</td><td>0</td></tr></tbody></table>
            <p class="notice">French health data holding none of the lab's patients: another lab's leak, or an enrollment out of date (enroll a fresh export).</p>
            </section>
            """),
        _ => Html.Empty,
    };

    private static Html Decision(ReviewCase c) => c.Status switch
    {
        CaseStatus.Confirmed => Html.Of($"confirmed by {c.DecidedBy} on {ConsolePage.Time(c.DecidedAt)}"),
        CaseStatus.Dismissed => Html.Of($"dismissed by {c.DecidedBy} on {ConsolePage.Time(c.DecidedAt)}: {c.DismissReason}"),
        _ => Html.Of($"awaiting a decision by the DPO"),
    };

    private static Html Pager(HttpContext context, IncidentPage page)
    {
        Html Link(int to, string label)
        {
            var query = context.Request.Query.Where(q => q.Key != "page").ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
            query["page"] = to.ToString(CultureInfo.InvariantCulture);
            var href = "/incidents" + QueryString.Create(query);
            return Html.Of($"<a href=\"{href}\">{label}</a>");
        }
        return Html.Of($"""<nav class="pager">{(page.Page > 1 ? Link(page.Page - 1, "Newer") : Html.Empty)}{(page.Page < page.Pages ? Link(page.Page + 1, "Older") : Html.Empty)}</nav>""");
    }

    public static Html Select(string name, IReadOnlyList<string> options, string? selected, string empty = "any")
    {
        var items = options.Select(o => o == selected
            ? Html.Of($"<option value=\"{o}\" selected>{o}</option>")
            : Html.Of($"<option value=\"{o}\">{o}</option>"));
        return Html.Of($"<select name=\"{name}\"><option value=\"\">{empty}</option>{items}</select>");
    }

    private static string? OneOf(string? value, IReadOnlyList<string> allowed) => allowed.Contains(value) ? value : null;

    private static string? Text(string? value, int max) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim() is { } t && t.Length <= max ? t : null;

    public static DateOnly? Date(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
