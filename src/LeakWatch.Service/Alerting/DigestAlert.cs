namespace LeakWatch.Service.Alerting;

/// <param name="Period"><c>hourly</c> or <c>daily</c>; <paramref name="From"/> and <paramref name="To"/> are UTC.</param>
/// <param name="Omitted">Incidents of the period not listed, to keep the message short.</param>
internal sealed record DigestAlert(
    string Period,
    DateTimeOffset From,
    DateTimeOffset To,
    int IncidentCount,
    IReadOnlyList<IncidentAlert> Incidents,
    int Omitted);
