using System.Globalization;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Alerting;

namespace LeakWatch.Service.Incidents;

/// <summary>An <c>incidents</c> row as Dapper reads it (SQLite integers are 64-bit).</summary>
internal sealed record IncidentRow(
    long Id,
    string Source,
    string Url,
    string ContentSha256,
    long Bytes,
    string FirstSeen,
    string LastSeen,
    long Revision,
    long PatientsHigh,
    long PatientsMedium,
    long PatientsLow,
    long PatientsTotal,
    long LastGrowth,
    string Rules,
    long Fields)
{
    public const string Columns =
        "id AS Id, source AS Source, url AS Url, content_sha256 AS ContentSha256, bytes AS Bytes, first_seen AS FirstSeen, " +
        "last_seen AS LastSeen, revision AS Revision, patients_high AS PatientsHigh, patients_medium AS PatientsMedium, " +
        "patients_low AS PatientsLow, patients_total AS PatientsTotal, last_growth AS LastGrowth, rules AS Rules, fields AS Fields";

    /// <summary>Patients found with at least this confidence: what a channel's threshold is compared with.</summary>
    public long PatientsAtLeast(Confidence confidence) => confidence switch
    {
        Confidence.High => PatientsHigh,
        Confidence.Medium => PatientsHigh + PatientsMedium,
        _ => PatientsTotal,
    };

    public IncidentAlert ToAlert(string consoleBaseUrl) => new(
        Id,
        (int)Revision,
        Source,
        Url,
        ContentSha256,
        Bytes,
        DbTime.Parse(FirstSeen),
        DbTime.Parse(LastSeen),
        new PatientCounts((int)PatientsTotal, (int)PatientsHigh, (int)PatientsMedium, (int)PatientsLow),
        (int)LastGrowth,
        FieldNames((MatchedFields)Fields),
        RuleList.Split(Rules),
        ConsoleLink(consoleBaseUrl, Id));

    public static string ConsoleLink(string consoleBaseUrl, long incidentId) =>
        consoleBaseUrl.TrimEnd('/') + "/incidents/" + incidentId.ToString(CultureInfo.InvariantCulture);

    public static IReadOnlyList<string> FieldNames(MatchedFields fields) =>
        [.. Enum.GetValues<MatchedFields>().Where(f => f != MatchedFields.None && fields.HasFlag(f)).Select(f => f.ToString())];
}

/// <summary>Rule names kept as one sorted, comma-separated column.</summary>
internal static class RuleList
{
    public static IReadOnlyList<string> Split(string rules) =>
        rules.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string Join(IEnumerable<string> rules) =>
        string.Join(',', rules.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
}
