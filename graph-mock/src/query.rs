//! The OData query options the chat endpoints accept, checked as the service checks them.

use crate::odata::ODataError;
use graph_models::ChatMessage;

/// The largest `$top` the chat endpoints accept.
pub const MAX_TOP: usize = 50;

/// The page size without `$top`.
pub const DEFAULT_TOP: usize = 20;

/// The options of one request, decoded.
#[derive(Debug, Default)]
pub struct Options {
    /// `$top`.
    pub top: Option<usize>,
    /// `$skiptoken`, the opaque cursor of a nextLink.
    pub skip_token: Option<String>,
    /// `$filter`, raw.
    pub filter: Option<String>,
    /// `$orderby`, raw.
    pub order_by: Option<String>,
    /// `$expand`, split on commas.
    pub expand: Vec<String>,
    /// `model` (`A` or `B`) of getAllMessages.
    pub model: Option<String>,
    /// `$deltatoken`, the opaque state of a deltaLink.
    pub delta_token: Option<String>,
}

impl Options {
    /// Decodes the query string; unknown `$` options are rejected as Graph rejects them.
    pub fn parse(query: Option<&str>) -> Result<Options, ODataError> {
        let mut options = Options::default();
        for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let value = value.into_owned();
            match &*key {
                "$top" => {
                    let top: usize = value.parse().map_err(|_| {
                        ODataError::bad_request(format!("Invalid value '{value}' for $top query option."))
                    })?;
                    if top == 0 || top > MAX_TOP {
                        return Err(ODataError::bad_request(format!(
                            "Invalid page size specified: '{top}'. Must be between 1 and {MAX_TOP} inclusive."
                        )));
                    }
                    options.top = Some(top);
                }
                "$skiptoken" => options.skip_token = Some(value),
                "$deltatoken" => options.delta_token = Some(value),
                "$filter" => options.filter = Some(value),
                "$orderby" => options.order_by = Some(value),
                "$expand" => options.expand = value.split(',').map(|it| it.trim().to_owned()).collect(),
                "model" => options.model = Some(value),
                other if other.starts_with('$') => {
                    return Err(ODataError::bad_request(format!("Query option '{other}' is not allowed.")));
                }
                _ => {}
            }
        }
        Ok(options)
    }

    /// The page size.
    pub fn page_size(&self) -> usize {
        self.top.unwrap_or(DEFAULT_TOP)
    }
}

/// Which timestamp a filter clause compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProperty {
    /// `lastModifiedDateTime`.
    LastModified,
    /// `createdDateTime`.
    Created,
}

/// A `$filter` on message dates: clauses joined by `and`.
#[derive(Debug, Clone, Default)]
pub struct DateFilter {
    clauses: Vec<(DateProperty, bool, jiff::Timestamp)>,
}

impl DateFilter {
    /// Parses `lastModifiedDateTime gt 2020-06-04T18:03:11.591Z and ...`; `allowed` lists the
    /// (property, operator) pairs the endpoint supports, e.g. `(Created, "lt")`.
    pub fn parse(filter: &str, allowed: &[(DateProperty, &str)]) -> Result<DateFilter, ODataError> {
        let mut clauses = Vec::new();
        for clause in filter.split(" and ") {
            let parts: Vec<&str> = clause.split_whitespace().collect();
            let [property, operator, literal] = parts.as_slice() else {
                return Err(ODataError::bad_request(format!("Invalid filter clause: '{clause}'.")));
            };
            let property = match *property {
                "lastModifiedDateTime" => DateProperty::LastModified,
                "createdDateTime" => DateProperty::Created,
                other => return Err(ODataError::bad_request(format!("Filtering on '{other}' is not supported."))),
            };
            if !allowed.contains(&(property, *operator)) {
                return Err(ODataError::bad_request(format!("The '{operator}' operator is not supported here.")));
            }
            if literal.starts_with('\'') {
                return Err(ODataError::bad_request(
                    "Invalid filter clause: A binary operator with incompatible types was detected. Found operand types 'Edm.DateTimeOffset' and 'Edm.String' for operator kind 'GreaterThan'.",
                ));
            }
            let at: jiff::Timestamp = literal
                .parse()
                .map_err(|_| ODataError::bad_request(format!("Invalid DateTimeOffset literal '{literal}'.")))?;
            clauses.push((property, *operator == "gt", at));
        }
        Ok(DateFilter { clauses })
    }

    /// Whether the filter names `property`.
    pub fn mentions(&self, property: DateProperty) -> bool {
        self.clauses.iter().any(|(it, _, _)| *it == property)
    }

    /// Whether `message` passes; a message with a malformed timestamp passes no clause on it.
    pub fn accepts(&self, message: &ChatMessage) -> bool {
        self.clauses.iter().all(|(property, greater, at)| {
            let value = match property {
                DateProperty::LastModified => message.last_modified_date_time.get(),
                DateProperty::Created => message.created_date_time.get(),
            };
            match value.map(|it| it.to_timestamp()) {
                Some(Ok(time)) => {
                    if *greater {
                        time > *at
                    } else {
                        time < *at
                    }
                }
                _ => false,
            }
        })
    }
}
