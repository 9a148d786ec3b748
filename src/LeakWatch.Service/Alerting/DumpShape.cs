namespace LeakWatch.Service.Alerting;

/// <summary>A suspicious dump's counts: records read, records with a valid NIR, records shaped like identities.</summary>
internal sealed record DumpShape(long Records, long ValidNirRecords, long IdentityRecords);
