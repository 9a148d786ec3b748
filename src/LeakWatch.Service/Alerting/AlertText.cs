using System.Globalization;
using System.Net;
using System.Text;

namespace LeakWatch.Service.Alerting;

/// <summary>
/// The human wording of an alert, shared by e-mail, Slack and Teams: a title and a few labelled lines. Everything comes
/// from <see cref="AlertPayload"/>, which holds no patient value; the wording adds none.
/// </summary>
internal static class AlertText
{
    public const string NoPatientData = "This alert carries no patient data: open the console to review the incident.";

    public static string Title(AlertPayload alert) => alert switch
    {
        { Test: true } => "[LeakWatch TEST] Test alert: no incident, no patient data",
        { Incident: { Kind: "canary" } i } =>
            Invariant($"[LeakWatch] Incident #{i.Id}: CANARY of system {Systems(i)} found: the document came from {Systems(i)} (highest confidence)"),
        { Incident: { Kind: "early-warning" } i } =>
            Invariant($"[LeakWatch] Early warning #{i.Id}: watched term {string.Join(", ", i.Terms ?? [])} on {i.Source}"),
        { Incident: { Kind: "suspicious-dump", Shape: { } shape } i } =>
            Invariant($"[LeakWatch] Suspicious dump #{i.Id}: {shape.ValidNirRecords} records with a valid NIR, {shape.IdentityRecords} identity records, none of our patients (informational)"),
        { Incident: { } i, Type: AlertPayload.IncidentGrown } =>
            Invariant($"[LeakWatch] Incident #{i.Id} grew: {i.NewPatients} more of our patients ({i.Patients.Total} in all, {Strongest(i.Patients)})"),
        { Incident: { } i } =>
            Invariant($"[LeakWatch] Incident #{i.Id}: {i.Patients.Total} of our patients found ({Strongest(i.Patients)})"),
        { Digest: { } d } =>
            Invariant($"[LeakWatch] {Capitalized(d.Period)} digest: {d.IncidentCount} incident(s) below the alert threshold, {d.From.UtcDateTime:yyyy-MM-dd HH:mm}–{d.To.UtcDateTime:yyyy-MM-dd HH:mm} UTC"),
        _ => "[LeakWatch] Alert",
    };

    /// <summary>Labelled lines (label, value, optional link) for one incident.</summary>
    public static IReadOnlyList<(string Label, string Value)> Facts(IncidentAlert incident) => incident.Kind switch
    {
        "canary" => KindFacts(incident, ("Kind", "canary: a synthetic identity planted in one of the lab's systems"), ("System", Systems(incident)),
            ("Canaries found", Invariant($"{incident.Patients.Total} (highest confidence)")),
            ("Fields matched", incident.Fields.Count == 0 ? "-" : string.Join(", ", incident.Fields)),
            ("Rules", incident.Rules.Count == 0 ? "-" : string.Join(", ", incident.Rules))),
        "early-warning" => KindFacts(incident, ("Kind", "early warning (lower severity)"), ("Watched terms", string.Join(", ", incident.Terms ?? []))),
        "suspicious-dump" when incident.Shape is { } shape => KindFacts(incident, ("Kind", "suspicious dump (informational): none of our patients"),
            ("Records", Invariant($"{shape.Records}")), ("Records with a valid NIR", Invariant($"{shape.ValidNirRecords}")),
            ("Identity records", Invariant($"{shape.IdentityRecords}"))),
        _ => PatientFacts(incident),
    };

    private static string Systems(IncidentAlert incident) => "'" + (incident.System ?? "?").Replace(",", "', '", StringComparison.Ordinal) + "'";

    private static IReadOnlyList<(string Label, string Value)> KindFacts(IncidentAlert incident, params (string Label, string Value)[] specific) =>
    [
        ("Incident", Invariant($"#{incident.Id}, revision {incident.Revision}")),
        .. specific,
        ("Where", incident.Url),
        ("Source", incident.Source),
        ("First seen", Invariant($"{incident.FirstSeen.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC")),
        ("Last seen", Invariant($"{incident.LastSeen.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC")),
        ("Content hash (keyed)", incident.ContentHash),
        ("Console", incident.ConsoleUrl),
    ];

    private static IReadOnlyList<(string Label, string Value)> PatientFacts(IncidentAlert incident) =>
    [
        ("Incident", Invariant($"#{incident.Id}, revision {incident.Revision}")),
        ("Where", incident.Url),
        ("Source", incident.Source),
        ("First seen", Invariant($"{incident.FirstSeen.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC")),
        ("Last seen", Invariant($"{incident.LastSeen.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC")),
        ("Patients", Counts(incident.Patients)),
        ("New in this revision", incident.NewPatients.ToString(CultureInfo.InvariantCulture)),
        ("Fields matched", incident.Fields.Count == 0 ? "-" : string.Join(", ", incident.Fields)),
        ("Rules", incident.Rules.Count == 0 ? "-" : string.Join(", ", incident.Rules)),
        ("Content hash (keyed)", incident.ContentHash),
        ("Console", incident.ConsoleUrl),
    ];

    public static string Counts(PatientCounts p) =>
        Invariant($"{p.Total} (high confidence {p.High}, medium {p.Medium}, low {p.Low})");

    public static string Intro(AlertPayload alert) => alert switch
    {
        { Test: true } => "This is a test alert sent by `leakwatch alerts test` to check that this channel works. Nothing was found; nothing needs doing.",
        { Incident.Kind: "canary" } => "A canary identity, planted in one of the lab's systems and in no other, was found in a document: that system's data leaked.",
        { Incident.Kind: "early-warning" } => "A crawled page names the lab (one of its watched terms): a leak may be announced before any record is shown. Patients found in the page, if any, are in an incident of their own.",
        { Incident.Kind: "suspicious-dump" } => "A document shaped like French health data holds none of the lab's patients: it may be another lab's leak, or the enrollment may be out of date.",
        { Type: AlertPayload.IncidentGrown } => "A larger version of a known leak was found: more of the lab's patients are in it.",
        { Incident: not null } => "A document holding records of the lab's patients was found.",
        { Digest: { } d } => Invariant($"Incidents of this {(d.Period == "daily" ? "day" : "hour")} that stayed below this channel's immediate-alert threshold."),
        _ => "",
    };

    public static string Plain(AlertPayload alert)
    {
        var text = new StringBuilder();
        text.AppendLine(Title(alert)).AppendLine().AppendLine(Intro(alert)).AppendLine();
        if (alert.Incident is { } incident) AppendFacts(text, incident);
        if (alert.Digest is { } digest)
        {
            foreach (var item in digest.Incidents)
            {
                AppendFacts(text, item);
                text.AppendLine();
            }
            if (digest.Omitted > 0) text.AppendLine(Invariant($"... and {digest.Omitted} more incident(s): see the console."));
        }
        text.AppendLine().AppendLine(NoPatientData);
        text.Append("Idempotency key: ").AppendLine(alert.IdempotencyKey);
        return text.ToString();
    }

    public static string Html(AlertPayload alert)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        html.Append("<h2>").Append(Encode(Title(alert))).Append("</h2>");
        html.Append("<p>").Append(Encode(Intro(alert))).Append("</p>");
        if (alert.Incident is { } incident) AppendFactsHtml(html, incident);
        if (alert.Digest is { } digest)
        {
            foreach (var item in digest.Incidents) AppendFactsHtml(html, item);
            if (digest.Omitted > 0) html.Append("<p>").Append(Encode(Invariant($"... and {digest.Omitted} more incident(s): see the console."))).Append("</p>");
        }
        html.Append("<p><small>").Append(Encode(NoPatientData)).Append("<br>Idempotency key: ").Append(Encode(alert.IdempotencyKey)).Append("</small></p>");
        html.Append("</body></html>");
        return html.ToString();
    }

    private static void AppendFacts(StringBuilder text, IncidentAlert incident)
    {
        foreach (var (label, value) in Facts(incident)) text.Append(label).Append(": ").AppendLine(value);
    }

    private static void AppendFactsHtml(StringBuilder html, IncidentAlert incident)
    {
        html.Append("<table cellpadding=\"4\" style=\"border-collapse:collapse;margin-bottom:1em\">");
        foreach (var (label, value) in Facts(incident))
        {
            html.Append("<tr><th align=\"left\">").Append(Encode(label)).Append("</th><td>");
            if (label == "Console") html.Append("<a href=\"").Append(Encode(value)).Append("\">").Append(Encode(value)).Append("</a>");
            else html.Append(Encode(value));
            html.Append("</td></tr>");
        }
        html.Append("</table>");
    }

    private static string Strongest(PatientCounts p) =>
        p.High > 0 ? Invariant($"{p.High} high confidence") : p.Medium > 0 ? Invariant($"{p.Medium} medium confidence") : "low confidence only";

    private static string Capitalized(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
