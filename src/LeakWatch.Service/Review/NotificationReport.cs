using System.Globalization;
using System.Text.Json.Serialization;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Storage;

namespace LeakWatch.Service.Review;

/// <summary>
/// What the CNIL's breach notification asks, for one confirmed incident: counts, kinds and dates only, never a patient
/// value. The printable page and report.json are made from this one record.
/// </summary>
internal sealed record NotificationReport(
    [property: JsonPropertyName("incident")] long Incident,
    [property: JsonPropertyName("organisation")] string? Organisation,
    [property: JsonPropertyName("dpo_contact")] string DpoContact,
    [property: JsonPropertyName("nature")] string Nature,
    [property: JsonPropertyName("found_at")] DateTimeOffset FoundAt,
    [property: JsonPropertyName("found_how")] string FoundHow,
    [property: JsonPropertyName("notification_due")] DateTimeOffset NotificationDue,
    [property: JsonPropertyName("confirmed_by")] string? ConfirmedBy,
    [property: JsonPropertyName("confirmed_at")] DateTimeOffset? ConfirmedAt,
    [property: JsonPropertyName("published_at")] IReadOnlyList<string> PublishedAt,
    [property: JsonPropertyName("persons")] long Persons,
    [property: JsonPropertyName("persons_by_confidence")] IReadOnlyDictionary<string, long> PersonsByConfidence,
    [property: JsonPropertyName("records")] long Records,
    [property: JsonPropertyName("categories")] IReadOnlyList<string> Categories,
    [property: JsonPropertyName("health_data")] string HealthData,
    [property: JsonPropertyName("likely_consequences")] IReadOnlyList<string> LikelyConsequences,
    [property: JsonPropertyName("measures_taken")] IReadOnlyList<string> MeasuresTaken,
    [property: JsonPropertyName("measures_planned")] IReadOnlyList<string> MeasuresPlanned,
    [property: JsonPropertyName("cnil_notified_on")] string? CnilNotifiedOn,
    [property: JsonPropertyName("patients_notified_on")] string? PatientsNotifiedOn)
{
    public static NotificationReport From(IncidentDetail detail, ConsoleOptions options, string dpo)
    {
        var i = detail.Incident;
        var c = detail.Case;
        var fields = i.Fields;
        var categories = new List<string>();
        if ((fields & (MatchedFields.LastName | MatchedFields.FirstName | MatchedFields.BirthDate)) != 0) categories.Add("identity");
        if (fields.HasFlag(MatchedFields.Nir)) categories.Add("nir");
        if ((fields & (MatchedFields.Phone | MatchedFields.Email)) != 0) categories.Add("contact");
        var foundAt = DbTime.Parse(i.FirstSeen);
        var taken = new List<string> { "Incident confirmed in LeakWatch by " + (c.DecidedBy ?? "?") + " on " + ConsolePage.Time(c.DecidedAt) + "." };
        if (c.CnilNotifiedOn is not null) taken.Add("CNIL notified on " + c.CnilNotifiedOn + ".");
        if (c.PatientsNotifiedOn is not null) taken.Add("Patients notified on " + c.PatientsNotifiedOn + ".");
        return new NotificationReport(
            i.Id,
            options.Organisation,
            options.DpoContact ?? dpo,
            "Loss of confidentiality: records of the laboratory's patients published on a site outside the laboratory.",
            foundAt,
            "Automated monitoring (LeakWatch) of the source '" + i.Source + "'; matched by keyed fingerprints, rules: " + string.Join(", ", i.Rules.Names()) + ".",
            foundAt.AddHours(72),
            c.DecidedBy,
            c.DecidedAt is null ? null : DbTime.Parse(c.DecidedAt),
            [.. detail.Documents.Select(d => ConsolePage.Masked(d.Url)).Distinct(StringComparer.Ordinal)],
            i.PatientsTotal,
            new Dictionary<string, long> { ["high"] = i.PatientsHigh, ["medium"] = i.PatientsMedium, ["low"] = i.PatientsLow },
            detail.Documents.Sum(d => d.Patients),
            categories,
            "Not established by LeakWatch, which reads only the identifying fields; the DPO assesses the document's other columns (exam results, prescriptions).",
            [
                "Identity theft and fraud using names, dates of birth and social-security numbers.",
                "Targeted phishing or scams using contact details.",
                "Disclosure of health information, with a risk of discrimination or distress, if the document holds results.",
            ],
            taken,
            [
                "Ask the host of the publication to take it down.",
                "Inform the affected patients (the DPO turns the references of patients.jsonl into patients with `leakwatch resolve`).",
                "Find how the records left the laboratory and close that path.",
            ],
            c.CnilNotifiedOn,
            c.PatientsNotifiedOn);
    }

    public Html ToHtml()
    {
        string T(DateTimeOffset? t) => t?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "";
        Html Row(string en, string fr, Html value) => Html.Of($"<dt>{en}<br><span class=\"fr\">{fr}</span></dt><dd>{value}</dd>");
        Html Text(string value) => Html.Encode(value);
        Html List(IEnumerable<string> items) => Html.Of($"<ul>{items.Select(x => Html.Of($"<li>{x}</li>"))}</ul>");
        Html Code(IEnumerable<string> items) => Html.Of($"<ul>{items.Select(x => Html.Of($"<li class=\"url\">{x}</li>"))}</ul>");
        return Html.Of($"""
            <p class="noprint">Print this page with your browser (Ctrl+P), or download <a href="/incidents/{Incident}/report.json">report.json</a>.</p>
            <section>
            <dl>
            {Row("Organisation", "Organisme", Text(Organisation ?? "(set LeakWatch:Console:Organisation)"))}
            {Row("DPO contact", "Contact du DPO", Text(DpoContact))}
            {Row("Nature of the breach", "Nature de la violation", Text(Nature))}
            {Row("Found on", "Date de découverte", Text(T(FoundAt)))}
            {Row("How it was found", "Circonstances de la découverte", Text(FoundHow))}
            {Row("CNIL notification due (72 h)", "Notification à la CNIL avant (72 h)", Text(T(NotificationDue)))}
            {Row("Confirmed by", "Confirmée par", Text((ConfirmedBy ?? "") + ", " + T(ConfirmedAt)))}
            {Row("Where the data was published", "Lieu de publication", Code(PublishedAt))}
            {Row("Number of persons", "Nombre de personnes concernées", Html.Of($"<strong>{ConsolePage.Number(Persons)}</strong> (high {ConsolePage.Number(PersonsByConfidence["high"])}, medium {ConsolePage.Number(PersonsByConfidence["medium"])}, low {ConsolePage.Number(PersonsByConfidence["low"])})"))}
            {Row("Number of records", "Nombre d'enregistrements", Text(ConsolePage.Number(Records)))}
            {Row("Categories of data", "Catégories de données", Text(string.Join(", ", Categories)))}
            {Row("Health data", "Données de santé", Text(HealthData))}
            {Row("Likely consequences", "Conséquences probables", List(LikelyConsequences))}
            {Row("Measures taken", "Mesures prises", List(MeasuresTaken))}
            {Row("Measures planned", "Mesures envisagées", List(MeasuresPlanned))}
            {Row("CNIL notified on", "Notification à la CNIL le", Text(CnilNotifiedOn ?? "not yet / pas encore"))}
            {Row("Patients notified on", "Information des personnes le", Text(PatientsNotifiedOn ?? "not yet / pas encore"))}
            </dl>
            </section>
            <p>Counts only: this report holds no patient value. / Décomptes uniquement : ce rapport ne contient aucune donnée de patient.</p>
            """);
    }
}
