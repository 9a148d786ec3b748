namespace LeakWatch.Core.Matching;

public enum Confidence : byte
{
    Low = 1,
    Medium = 2,
    High = 3,
}
