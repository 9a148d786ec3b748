using System.Globalization;
using System.Text.Json.Serialization;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Web;

namespace LeakWatch.Service.Review;

/// <summary>
/// What the CNIL's breach notification asks, for one confirmed incident: counts, kinds and dates only, never a patient
/// value. The printable page and report.json are made from this one record. Each kind of incident says what it is and
/// what it calls for (<see cref="Applies"/>): a patient leak is a breach to notify; a canary names the system that
/// leaked, its records are synthetic (no person), and the real records that left with it are their own incidents; an
/// early warning is an announcement with no record; a suspicious dump holds none of the laboratory's patients.
/// </summary>
internal sealed record NotificationReport(
    [property: JsonPropertyName("incident")] long Incident,
    [property: JsonPropertyName("organisation")] string? Organisation,
    [property: JsonPropertyName("dpo_contact")] string DpoContact,
    [property: JsonPropertyName("nature")] string Nature,
    [property: JsonPropertyName("found_at")] DateTimeOffset FoundAt,
    [property: JsonPropertyName("found_how")] string FoundHow,
    [property: JsonPropertyName("notification_due")] DateTimeOffset? NotificationDue,
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
    [property: JsonPropertyName("patients_notified_on")] string? PatientsNotifiedOn,
    [property: JsonPropertyName("kind")] string Kind = "patients",
    [property: JsonPropertyName("applies")] string Applies = "")
{
    private static readonly IReadOnlyDictionary<string, long> NoPersons = new Dictionary<string, long> { ["high"] = 0, ["medium"] = 0, ["low"] = 0 };

    /// <summary>Whether <see cref="ReportPages.Patients"/> has references to give: only a patient leak's are patients.</summary>
    public static bool HasPatients(IncidentKind kind) => kind == IncidentKind.PatientLeak;

    public static NotificationReport From(IncidentDetail detail, ConsoleOptions options, string dpo)
    {
        var i = detail.Incident;
        var patients = ForPatients(detail, options, dpo);
        var system = i.System ?? "?";
        var inv = CultureInfo.InvariantCulture;
        return i.Kind switch
        {
            IncidentKind.Canary => patients with
            {
                Kind = IncidentKinds.Id(i.Kind),
                Applies = "A canary incident is not a patient notification: the canaries are synthetic identities, so no person is concerned by these "
                    + "records. It shows that data of the system '" + system + "' left the laboratory. Notify the CNIL (72 hours) for the real records "
                    + "of that system that were published with them, if any: each is its own patient incident; this report documents where they came from.",
                Nature = "Canary identities planted in the system '" + system + "' were published on a site outside the laboratory: data of that system left it.",
                FoundHow = "Automated monitoring (LeakWatch) of the source '" + i.Source + "'; the canaries of '" + system + "' matched by keyed fingerprints.",
                Persons = 0,
                PersonsByConfidence = NoPersons,
                Categories = [],
                HealthData = "None in the canary records (synthetic). Whether real records of '" + system + "' left with them is for the DPO to establish.",
                LikelyConsequences =
                [
                    "None for the canary records themselves (synthetic identities, no person).",
                    "If real records of '" + system + "' left with them: those of a patient leak (identity theft, phishing, disclosure of health information).",
                ],
                MeasuresPlanned =
                [
                    "Find how data of '" + system + "' left the laboratory (access logs, exports, backups, partners' copies) and close that path.",
                    "Review the patient incidents of the same documents: those records are the ones to notify.",
                    "Retire these canaries (`leakwatch canary retire --system " + system + "`) and plant new ones once the path is closed.",
                ],
            },
            IncidentKind.EarlyWarning => patients with
            {
                Kind = IncidentKinds.Id(i.Kind),
                Applies = "Not a breach notification on its own: an announcement naming the laboratory, and no record was seen. If a breach is "
                    + "established, notify the CNIL within 72 hours of knowing it; record the event and the DPO's assessment in the breach register either way.",
                Nature = "A page outside the laboratory names it (watched terms: " + (i.Terms ?? "?") + "): a sale, a claim or a sample may follow.",
                FoundHow = "Automated monitoring (LeakWatch) of the source '" + i.Source + "'; watched terms found: " + (i.Terms ?? "?") + ".",
                NotificationDue = null,
                Persons = 0,
                PersonsByConfidence = NoPersons,
                Records = 0,
                Categories = [],
                HealthData = "None seen.",
                LikelyConsequences = ["None yet: an announcement may precede the publication of records."],
                MeasuresPlanned =
                [
                    "Keep watching the source for samples and the full dump (LeakWatch keeps crawling it).",
                    "Check the laboratory's systems for the intrusion the announcement may refer to.",
                    "Record the event in the breach register (GDPR art. 33(5)) with the DPO's assessment.",
                ],
            },
            IncidentKind.SuspiciousDump => patients with
            {
                Kind = IncidentKinds.Id(i.Kind),
                Applies = "Not a notification of a breach of this laboratory as far as LeakWatch can tell: none of its enrolled patients is in the "
                    + "document. Check that the enrollment is up to date; if the data is another organisation's, it is theirs to notify.",
                Nature = string.Create(inv, $"A document shaped like French health data ({i.Records} records, {i.ValidNirs} with a valid NIR, {i.IdentityRows} identity records) was published outside the laboratory; it holds none of the laboratory's enrolled patients."),
                FoundHow = "Automated monitoring (LeakWatch) of the source '" + i.Source + "'; counts of valid NIRs and identity-shaped records, no patient of ours.",
                NotificationDue = null,
                Persons = 0,
                PersonsByConfidence = NoPersons,
                Records = i.Records,
                Categories = [.. new[] { i.ValidNirs > 0 ? "nir" : null, i.IdentityRows > 0 ? "identity" : null }.OfType<string>()],
                HealthData = "Not established: LeakWatch reads only the identifying fields.",
                LikelyConsequences = ["For the laboratory's patients, none known: none of them is in the document.", "For the persons in it: those of a health-data leak, for their organisation to assess."],
                MeasuresPlanned =
                [
                    "Check the date of the last enrollment: a base out of date misses recent patients.",
                    "If the data is another organisation's, consider telling it, the CNIL or the host of the publication.",
                ],
            },
            _ => patients,
        };
    }

    private static NotificationReport ForPatients(IncidentDetail detail, ConsoleOptions options, string dpo)
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
            c.PatientsNotifiedOn,
            IncidentKinds.Id(IncidentKind.PatientLeak),
            "A breach of the laboratory's patients' data: notify the CNIL within 72 hours of becoming aware of it (GDPR art. 33) unless it is "
                + "unlikely to result in a risk to them; inform the patients without undue delay when the risk is high (art. 34).");
    }

    private string KindTitle => Kind switch
    {
        "canary" => "Canary incident / Incident canari",
        "early-warning" => "Early warning / Alerte précoce",
        "suspicious-dump" => "Suspicious dump / Fichier suspect",
        _ => "Patient leak / Fuite de données de patients",
    };

    public Html ToHtml()
    {
        string T(DateTimeOffset? t) => t?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "";
        Html Row(string en, string fr, Html value) => Html.Of($"<dt>{en}<br><span class=\"fr\">{fr}</span></dt><dd>{value}</dd>");
        Html Text(string value) => Html.Encode(value);
        Html List(IEnumerable<string> items) => Html.Of($"<ul>{items.Select(x => Html.Of($"<li>{x}</li>"))}</ul>");
        Html Code(IEnumerable<string> items) => Html.Of($"<ul>{items.Select(x => Html.Of($"<li class=\"url\">{x}</li>"))}</ul>");
        return Html.Of($"""
            <p class="noprint">Print this page with your browser (Ctrl+P), or download <a href="/incidents/{Incident}/report.json">report.json</a>.</p>
            <p class="applies"><strong>{Text(KindTitle)}</strong>: {Text(Applies)}</p>
            <section>
            <dl>
            {Row("Organisation", "Organisme", Text(Organisation ?? "(set LeakWatch:Console:Organisation)"))}
            {Row("DPO contact", "Contact du DPO", Text(DpoContact))}
            {Row("Nature of the breach", "Nature de la violation", Text(Nature))}
            {Row("Found on", "Date de découverte", Text(T(FoundAt)))}
            {Row("How it was found", "Circonstances de la découverte", Text(FoundHow))}
            {Row("CNIL notification due (72 h)", "Notification à la CNIL avant (72 h)", Text(NotificationDue is null ? "not applicable on its own / sans objet en l'état" : T(NotificationDue)))}
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
