// Separate compilation of Asio, Asio SSL and Beast for apexcore::discord (and everything linking
// it): one translation unit instead of the implementation in every file that uses them.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
