using LeakWatch.Core.Matching;

namespace LeakWatch.Service.Incidents;

/// <summary>A document that matched, as the merge sees it: where, which bytes, and what its patients were matched by.</summary>
internal sealed record MatchedDocument(string Source, string Url, string ContentHash, long Bytes, MatchedRules Rules, MatchedFields Fields);
