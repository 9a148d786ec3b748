namespace LeakWatch.Core.Matching;

/// <summary>Where in the decoded document a matching record starts.</summary>
public readonly record struct MatchLocation(long Offset, long Line);
