namespace LeakWatch.Service.Alerting;

/// <summary>Patients of an incident by confidence, as an alert counts them.</summary>
internal sealed record PatientCounts(int Total, int High, int Medium, int Low);
