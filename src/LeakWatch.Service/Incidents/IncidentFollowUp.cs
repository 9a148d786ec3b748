namespace LeakWatch.Service.Incidents;

/// <summary>What the handler queued, for the recorder's log line.</summary>
internal readonly record struct IncidentFollowUp(int Alerts, int DigestItems);
