namespace LeakWatch.Core.Normalization;

/// <summary>A phone number found in free text.</summary>
/// <param name="E164">The number in E.164 ("+33612345678"), what is fingerprinted.</param>
internal readonly record struct PhoneHit(int Start, int Length, string E164)
{
    /// <summary>Where, never what.</summary>
    public override string ToString() => $"PhoneHit(start={Start}, length={Length})";
}
