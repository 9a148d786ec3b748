namespace LeakWatch.Service.Alerting;

/// <summary>Where a channel sends incidents of one kind: at once, into its digest, or not at all.</summary>
internal enum AlertRoute
{
    None = 0,
    Immediate,
    Digest,
}
