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
        { Incident: { } i, Type: AlertPayload.IncidentGrown } =>
            Invariant($"[LeakWatch] Incident #{i.Id} grew: {i.NewPatients} more of our patients ({i.Patients.Total} in all, {Strongest(i.Patients)})"),
        { Incident: { } i } =>
            Invariant($"[LeakWatch] Incident #{i.Id}: {i.Patients.Total} of our patients found ({Strongest(i.Patients)})"),
        { Digest: { } d } =>
            Invariant($"[LeakWatch] {Capitalized(d.Period)} digest: {d.IncidentCount} incident(s) below the alert threshold, {d.From.UtcDateTime:yyyy-MM-dd HH:mm}–{d.To.UtcDateTime:yyyy-MM-dd HH:mm} UTC"),
        _ => "[LeakWatch] Alert",
    };

    /// <summary>Labelled lines (label, value, optional link) for one incident.</summary>
    public static IReadOnlyList<(string Label, string Value)> Facts(IncidentAlert incident) =>
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
        ("Content SHA-256", incident.ContentSha256),
        ("Console", incident.ConsoleUrl),
    ];

    public static string Counts(PatientCounts p) =>
        Invariant($"{p.Total} (high confidence {p.High}, medium {p.Medium}, low {p.Low})");

    public static string Intro(AlertPayload alert) => alert switch
    {
        { Test: true } => "This is a test alert sent by `leakwatch alerts test` to check that this channel works. Nothing was found; nothing needs doing.",
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
