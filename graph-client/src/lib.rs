//! An async client for the Microsoft Graph Teams chat endpoints (work in progress).
