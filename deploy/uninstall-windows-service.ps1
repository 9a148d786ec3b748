<#
.SYNOPSIS
    Stops and removes the LeakWatch Windows service and its program folder. Keeps the data and the key unless asked.

.DESCRIPTION
    The data folder and the key folder are left in place by default: a removed service can be installed again over
    them. -RemoveData deletes the data folder (incidents, fingerprints); the key is never deleted by this script, so
    that a copy of it stays under the administrator's control (delete it yourself once it is backed up or unneeded).

.EXAMPLE
    .\deploy\uninstall-windows-service.ps1
    .\deploy\uninstall-windows-service.ps1 -RemoveData
#>
#Requires -RunAsAdministrator
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string] $InstallDir = "$env:ProgramFiles\LeakWatch",
    [string] $DataDirectory = "$env:ProgramData\LeakWatch\data",
    [string] $ServiceName = 'LeakWatch',
    [switch] $RemoveData
)
$ErrorActionPreference = 'Stop'

if (Get-Service -Name $ServiceName -ErrorAction SilentlyContinue) {
    Stop-Service -Name $ServiceName -ErrorAction SilentlyContinue
    & sc.exe delete $ServiceName | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "sc.exe delete failed ($LASTEXITCODE)" }
}
if (Test-Path $InstallDir) { Remove-Item -Recurse -Force $InstallDir }
if ($RemoveData -and (Test-Path $DataDirectory)) { Remove-Item -Recurse -Force $DataDirectory }
Write-Host "LeakWatch service removed."
if (-not $RemoveData) { Write-Host "Data kept in $DataDirectory." }
Write-Host "The key folder was not touched: back the key up or delete it yourself."
