using System.Globalization;
using LeakWatch.Core.Matching;

namespace LeakWatch.Service.Incidents;

/// <summary>An <c>incidents</c> row as Dapper reads it (SQLite integers are 64-bit).</summary>
internal sealed record IncidentRow(
    long Id,
    string Source,
    string Url,
    string ContentHash,
    long Bytes,
    string FirstSeen,
    string LastSeen,
    long Revision,
    long PatientsHigh,
    long PatientsMedium,
    long PatientsLow,
    long PatientsTotal,
    long LastGrowth,
    MatchedRules Rules,
    MatchedFields Fields,
    IncidentKind Kind,
    string? System = null,
    string? Terms = null,
    long Records = 0,
    long ValidNirs = 0,
    long IdentityRows = 0)
{
    public const string Columns =
        "id AS Id, source AS Source, url AS Url, content_hash AS ContentHash, bytes AS Bytes, first_seen AS FirstSeen, " +
        "last_seen AS LastSeen, revision AS Revision, patients_high AS PatientsHigh, patients_medium AS PatientsMedium, " +
        "patients_low AS PatientsLow, patients_total AS PatientsTotal, last_growth AS LastGrowth, rules AS Rules, fields AS Fields, " +
        "kind AS Kind, system AS System, terms AS Terms, records AS Records, valid_nirs AS ValidNirs, identity_rows AS IdentityRows";

    /// <summary>A comma-separated column (systems, terms) as a list.</summary>
    public static IReadOnlyList<string> ListOf(string? column) =>
        column is null ? [] : column.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Patients found with at least this confidence: what a channel's threshold is compared with.</summary>
    public long PatientsAtLeast(Confidence confidence) => confidence switch
    {
        Confidence.High => PatientsHigh,
        Confidence.Medium => PatientsHigh + PatientsMedium,
        _ => PatientsTotal,
    };

    public static string ConsoleLink(string consoleBaseUrl, long incidentId) =>
        consoleBaseUrl.TrimEnd('/') + "/incidents/" + incidentId.ToString(CultureInfo.InvariantCulture);

    public static IReadOnlyList<string> FieldNames(MatchedFields fields) =>
        [.. Enum.GetValues<MatchedFields>().Where(f => f != MatchedFields.None && fields.HasFlag(f)).Select(f => f.ToString())];
}
