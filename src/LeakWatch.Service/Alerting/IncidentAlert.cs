using LeakWatch.Core.Matching;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Storage;

namespace LeakWatch.Service.Alerting;

/// <param name="Revision">1 when the incident is created, +1 each time a larger version adds patients.</param>
/// <param name="NewPatients">Patients added by this revision (all of them for revision 1).</param>
/// <param name="Fields">Kinds of field matched (MatchedFields names): never values.</param>
/// <param name="Kind">patients, canary (then <paramref name="System"/> names where the canary was planted), early-warning
/// (then <paramref name="Terms"/> names the watched terms found) or suspicious-dump (then <paramref name="Shape"/> has the counts).</param>
internal sealed record IncidentAlert(
    long Id,
    int Revision,
    string Source,
    string Url,
    string ContentHash,
    long Bytes,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    PatientCounts Patients,
    int NewPatients,
    IReadOnlyList<string> Fields,
    IReadOnlyList<string> Rules,
    string ConsoleUrl,
    string Kind = "patients",
    string? System = null,
    IReadOnlyList<string>? Terms = null,
    DumpShape? Shape = null)
{
    /// <summary>What an alert says of an incident: counts, kinds of field and rule names (never values), its kind and what
    /// the kind names (a canary's system, watched terms, a dump's counts), and its console link.</summary>
    public static IncidentAlert From(IncidentRow incident, string consoleBaseUrl) => new(
        incident.Id,
        (int)incident.Revision,
        incident.Source,
        incident.Url,
        incident.ContentHash,
        incident.Bytes,
        DbTime.Parse(incident.FirstSeen),
        DbTime.Parse(incident.LastSeen),
        new PatientCounts((int)incident.PatientsTotal, (int)incident.PatientsHigh, (int)incident.PatientsMedium, (int)incident.PatientsLow),
        (int)incident.LastGrowth,
        IncidentRow.FieldNames(incident.Fields),
        incident.Rules.Names(),
        IncidentRow.ConsoleLink(consoleBaseUrl, incident.Id),
        IncidentKinds.Id(incident.Kind),
        incident.System,
        incident.Terms is null ? null : IncidentRow.ListOf(incident.Terms),
        incident.Kind == IncidentKind.SuspiciousDump ? new DumpShape(incident.Records, incident.ValidNirs, incident.IdentityRows) : null);
}
