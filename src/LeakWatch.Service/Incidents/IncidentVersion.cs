using LeakWatch.Core.Matching;

namespace LeakWatch.Service.Incidents;

/// <summary>The parts of an incident that a document can change: its latest version, revision, growth, rules and fields.</summary>
internal sealed record IncidentVersion(
    string Source,
    string Url,
    string ContentHash,
    long Bytes,
    long Revision,
    long LastGrowth,
    MatchedRules Rules,
    MatchedFields Fields)
{
    public static IncidentVersion Of(IncidentRow row) =>
        new(row.Source, row.Url, row.ContentHash, row.Bytes, row.Revision, row.LastGrowth, row.Rules, row.Fields);
}
