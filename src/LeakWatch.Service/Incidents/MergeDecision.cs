namespace LeakWatch.Service.Incidents;

/// <param name="Next">What the incident holds after the document.</param>
internal sealed record MergeDecision(IncidentChange Change, IncidentVersion Next)
{
    /// <summary>A new incident or a growth: what alerting hears of.</summary>
    public bool IsNews => Change is IncidentChange.Created or IncidentChange.Grew;
}
