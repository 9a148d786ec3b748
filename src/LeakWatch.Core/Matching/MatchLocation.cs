namespace LeakWatch.Core.Matching;

/// <summary>Where in the decoded document a matching record starts.</summary>
internal readonly record struct MatchLocation(long Offset, long Line);
