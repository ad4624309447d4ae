// Separate compilation of Asio, Asio SSL and Beast for apexcore::asio (linked by apexcore::discord,
// apexcore::s3 and everything linking them): one translation unit instead of the implementation in
// every file that uses them, and one compilation mode for the whole program.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
