using System.Globalization;
using System.Text;
using System.Text.Json;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Accounts;
using LeakWatch.Service.Audit;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Review;

/// <summary>The notification report of a confirmed incident, and the references of its patients for <c>resolve</c>.</summary>
internal sealed class ReportPages(CaseStore cases, AuditLog audit, IOptions<ConsoleOptions> options)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public async Task<IResult> Report(HttpContext context, long id, bool json)
    {
        var (detail, refused) = await ConfirmedAsync(context, id);
        if (refused is not null) return refused;
        var user = SessionAuthenticationHandler.User(context)!;
        await audit.AppendAsync(new AuditEvent(user.Name, AuditActions.ReportViewed, AuditActions.IncidentTarget(id), json ? "report.json" : "report", AccountPages.Address(context)), context.RequestAborted);
        var report = NotificationReport.From(detail!, options.Value, user.Name);
        if (json) return Results.Text(JsonSerializer.Serialize(report, Json), "application/json; charset=utf-8");
        return ConsolePage.Render(context, "Breach notification report / Notification de violation — incident #" + id.ToString(CultureInfo.InvariantCulture), report.ToHtml());
    }

    public async Task<IResult> Patients(HttpContext context, long id)
    {
        var (detail, refused) = await ConfirmedAsync(context, id);
        if (refused is not null) return refused;
        if (!NotificationReport.HasPatients(detail!.Incident.Kind))
        {
            // A canary's references are synthetic identities', and the other kinds have none: nothing to resolve.
            return ConsolePage.Render(context, "No patients",
                Html.Of($"<p>Incident #{id} is a {IncidentKinds.Id(detail.Incident.Kind)} incident: it names no patient of ours, so there is nothing to resolve (<a href=\"/incidents/{id}/report\">its report</a>).</p>"),
                StatusCodes.Status409Conflict);
        }
        var user = SessionAuthenticationHandler.User(context)!;
        var ct = context.RequestAborted;
        var lines = new StringBuilder();
        long count = 0;
        await foreach (var (patient, confidence, rules) in cases.PatientsAsync(id, ct))
        {
            lines.Append(JsonSerializer.Serialize(new
            {
                patient = Fingerprint.Read(patient).ToHex(),
                confidence = ((Confidence)confidence).ToString().ToLowerInvariant(),
                // One string, as it always was: "identity,nir+name".
                rules = string.Join(',', rules.Names()),
                incident = id,
            })).Append('\n');
            count++;
        }
        await audit.AppendAsync(new AuditEvent(user.Name, AuditActions.PatientsExported, AuditActions.IncidentTarget(id),
            count.ToString(CultureInfo.InvariantCulture) + " references", AccountPages.Address(context)), ct);
        context.Response.Headers.ContentDisposition = "attachment; filename=incident-" + id.ToString(CultureInfo.InvariantCulture) + "-patients.jsonl";
        return Results.Text(lines.ToString(), "application/x-ndjson; charset=utf-8");
    }

    private async Task<(IncidentDetail? Detail, IResult? Refused)> ConfirmedAsync(HttpContext context, long id)
    {
        var detail = await cases.GetAsync(id, context.RequestAborted);
        if (detail is null) return (null, Results.NotFound());
        if (detail.Case.Status != CaseStatus.Confirmed)
        {
            return (null, ConsolePage.Render(context, "Not confirmed",
                Html.Of($"<p>Incident #{id} is {detail.Case.Status}: confirm it first (<a href=\"/incidents/{id}\">its page</a>).</p>"), StatusCodes.Status409Conflict));
        }
        return (detail, null);
    }
}
