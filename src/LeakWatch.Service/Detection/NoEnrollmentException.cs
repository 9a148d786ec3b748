namespace LeakWatch.Service.Detection;

/// <summary>Detection was asked for before any patient was enrolled: a setup step is missing, not a bug.</summary>
internal sealed class NoEnrollmentException()
    : InvalidOperationException("No patients are enrolled yet: run `leakwatch enroll FILE` with the lab's export first.");
